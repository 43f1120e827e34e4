package io.impetus.examples.spring;

/**
 * The example's job function. It runs on an Impetus node, not in the web application: Impetus ships
 * this class (and only it) to the node, so it uses nothing of Spring.
 */
public final class SquareJobs {
    private SquareJobs() {
    }

    /** {@code n * n}; a negative {@code n} fails the job (the endpoint answers 422). */
    public static long square(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("no squares of negative numbers: " + n);
        }
        return Math.multiplyExact(n, n);
    }
}
