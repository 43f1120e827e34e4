package io.impetus.worker.child;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What in-process test jobs share with their test: not in the jobs' code bundle, so the bundle's class
 * loader finds it on the node's class path, one copy for the test and the jobs.
 */
public final class InProcessProbe {
    public static final AtomicInteger RUNNING = new AtomicInteger();
    public static final AtomicInteger MOST = new AtomicInteger();
    public static final AtomicInteger INTERRUPTED = new AtomicInteger();
    public static volatile CountDownLatch release = new CountDownLatch(0);

    private InProcessProbe() {
    }

    public static void reset() {
        RUNNING.set(0);
        MOST.set(0);
        INTERRUPTED.set(0);
        release = new CountDownLatch(1);
    }

    /** Counts the job in while it waits for {@link #release} (at most 20 s). */
    public static void hold() throws InterruptedException {
        int now = RUNNING.incrementAndGet();
        MOST.accumulateAndGet(now, Math::max);
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            INTERRUPTED.incrementAndGet();
            throw e;
        } finally {
            RUNNING.decrementAndGet();
        }
    }
}
