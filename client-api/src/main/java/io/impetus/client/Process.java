package io.impetus.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a processing stage. It runs in its own thread and receives results in batches, as they arrive, as (List&lt;Job&gt; ready, List&lt;Job&gt; errors). A stage completes when the stage before it has completed and none of the jobs it is the callback for is outstanding.
 *
 * <p>Stages run in the order they are declared in the source (read from the class file).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Process {
}
