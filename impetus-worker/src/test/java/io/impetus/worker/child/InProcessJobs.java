package io.impetus.worker.child;

import io.impetus.core.job.JobReports;

/** Job functions a client would ship, run by in-process workers in the tests (in a code bundle of their own). */
public final class InProcessJobs {
    private InProcessJobs() {
    }

    public static int twice(int x) {
        return 2 * x;
    }

    public static int fail(String message) {
        throw new IllegalStateException(message);
    }

    /** Waits for the test to release it (interruptible). */
    public static int held(int x) throws InterruptedException {
        InProcessProbe.hold();
        return x;
    }

    /** Reports progress, then returns. */
    public static int reporting(int x) {
        JobReports.current().progress(0.5, "half way");
        return x;
    }

    /** Runs for {@code ms} milliseconds, deaf to interrupts: a runaway job. */
    public static long deaf(long ms) {
        InProcessProbe.RUNNING.incrementAndGet();
        long end = System.nanoTime() + ms * 1_000_000;
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
            Thread.onSpinWait();
        }
        return spins;
    }
}
