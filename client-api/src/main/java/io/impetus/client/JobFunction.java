package io.impetus.client;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A job function as a method reference ({@code HelloWorld::pow}) or a non-capturing lambda.
 * Serializable so Impetus can read which static method it names; the method runs on a node.
 *
 * @param <A> the argument type (sent as JSON)
 * @param <R> the result type (returned as JSON)
 */
@FunctionalInterface
public interface JobFunction<A, R> extends Function<A, R>, Serializable {
}
