package io.impetus.bench;

/** The trivial job of the benchmark: {@code x * x}, with a payload to give the message its size. */
public final class BenchJobs {
    private BenchJobs() {
    }

    /**
     * A job's argument.
     *
     * @param x the number to square
     * @param pad filler that brings the message to the size asked for
     */
    public record Task(long x, String pad) {
    }

    public static long square(Task task) {
        return task.x() * task.x();
    }
}
