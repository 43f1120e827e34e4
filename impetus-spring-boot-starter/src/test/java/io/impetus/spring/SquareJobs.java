package io.impetus.spring;

/** Job functions of the starter's integration test; shipped to the test installation's node. */
public final class SquareJobs {
    private SquareJobs() {
    }

    /** {@code x * x}; a negative {@code x} fails the job. */
    public static long square(long x) {
        if (x < 0) {
            throw new IllegalArgumentException("no squares of negative numbers: " + x);
        }
        return x * x;
    }
}
