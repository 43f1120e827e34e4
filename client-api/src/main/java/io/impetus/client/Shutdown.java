package io.impetus.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the last stage: it runs once after every process stage has completed, with no parameters or with (Map&lt;String, Path&gt; ready, Map&lt;String, Path&gt; errors, Progress progress): the task files of each stage and the counts.
 *
 * <p>Stages run in the order they are declared in the source (read from the class file).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Shutdown {
}
