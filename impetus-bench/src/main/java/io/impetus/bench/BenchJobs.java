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

    /**
     * Where a job ran, for the many-nodes row: its square, the worker's process id and its parent's
     * (the node that started the worker).
     *
     * @param square x * x
     * @param pid the process that ran the job
     * @param parentPid that process's parent, or -1
     */
    public record Placed(long square, long pid, long parentPid) {
    }

    public static Placed placed(Task task) {
        ProcessHandle self = ProcessHandle.current();
        return new Placed(task.x() * task.x(), self.pid(), self.parent().map(ProcessHandle::pid).orElse(-1L));
    }
}
