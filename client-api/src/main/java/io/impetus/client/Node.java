package io.impetus.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static job function of one argument. It runs on a worker node, in a child process,
 * with no access to the client's fields: everything it needs comes in its argument, and what it
 * returns is written as JSON. Only needed to fork a function by name ({@code fork("name", arg)});
 * a method reference ({@code fork(MyJobs::square, 3)}) works on any static one-argument method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Node {
}
