package io.impetus.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a processing stage. It runs in its own thread and receives results in batches, as they
 * arrive, as {@code (List<Job> ready, List<Job> errors)}, after they are written to its task
 * files. A stage completes when every stage before it has completed and nothing is pending in it
 * or in any later stage (a later stage may fork back into it). A stage that throws fails the run
 * (see {@link Client#run()}).
 *
 * <p>Stages run in the order they are declared in the source (read from the class file).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Process {
}
