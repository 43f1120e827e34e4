package io.impetus.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static job function of one argument. It runs on a worker node, in its own process, with no access to the client's fields: everything it needs comes in its argument, and what it returns is written as JSON.
 *
 * <p>Stages run in the order they are declared in the source (read from the class file).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Node {
}
