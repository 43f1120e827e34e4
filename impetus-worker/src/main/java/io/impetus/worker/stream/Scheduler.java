package io.impetus.worker.stream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later: a scheduled executor in production, a clock-driven fake in unit tests. */
@FunctionalInterface
public interface Scheduler {
    void schedule(Runnable task, long delayMillis);

    /**
     * A scheduler on {@code executor}; once the executor is shut down, late tasks run at once on
     * the caller's thread instead of being lost (a stream draining at shutdown still needs them).
     */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delayMillis) -> {
            try {
                executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }
}
