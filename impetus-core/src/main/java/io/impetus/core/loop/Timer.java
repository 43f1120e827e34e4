package io.impetus.core.loop;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
