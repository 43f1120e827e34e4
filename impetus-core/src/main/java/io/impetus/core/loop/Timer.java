package io.impetus.core.loop;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one "run this later" seam of the coordinator, node and client: a task after a number of
 * milliseconds. In production a scheduled executor ({@link #of}, or {@link #dropping} for the
 * client); in unit tests the test kit's
 * {@code ManualTimer}, driven by a settable clock ({@code timer::schedule}). Implementations are
 * thread-safe; a task runs once.
 */
@FunctionalInterface
public interface Timer {
    /** Runs {@code task} once, {@code delayMillis} from now (at once for zero). */
    void schedule(Runnable task, long delayMillis);

    /**
     * Runs {@code pass} after {@code firstMillis}, then again {@code everyMillis} after each pass: counted from
     * the pass's end (fixed delay: a slow pass is never run twice at once, nor caught up), or with
     * {@code fromStart} from its start (fixed rate, for a pass that returns at once and must keep its rhythm).
     * Stops once {@code running} says no, checked before each pass: {@link #of} runs a late task at once on a
     * shut-down executor, so a repeating task needs a stop of its own. {@code pass} should not throw (wrap it in
     * {@link Passes#safely}); one that does is not run again.
     */
    default void repeat(long firstMillis, long everyMillis, boolean fromStart, BooleanSupplier running, Runnable pass) {
        if (everyMillis <= 0) {
            throw new IllegalArgumentException("a repeating task's period must be positive, was " + everyMillis + " ms");
        }
        schedule(new Runnable() {
            @Override
            public void run() {
                if (!running.getAsBoolean()) {
                    return;
                }
                long start = System.nanoTime();
                pass.run();
                long took = fromStart ? (System.nanoTime() - start) / 1_000_000 : 0;
                if (running.getAsBoolean()) {
                    schedule(this, Math.max(0, everyMillis - took));
                }
            }
        }, firstMillis);
    }

    /**
     * A timer on {@code executor}; once the executor is shut down, late tasks run at once on the
     * caller's thread instead of being lost (a stream draining at shutdown still needs them).
     */
    static Timer of(ScheduledExecutorService executor) {
        return (task, delayMillis) -> {
            try {
                executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }

    /**
     * A timer on {@code executor} for a part whose late work ends with it (the client: a retry or a
     * check after {@code close} has nothing left to do); once the executor is shut down, late tasks
     * are dropped, neither run nor thrown.
     */
    static Timer dropping(ScheduledExecutorService executor) {
        return (task, delayMillis) -> {
            try {
                executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shut down: the part that owned the executor is closed
            }
        };
    }
}
