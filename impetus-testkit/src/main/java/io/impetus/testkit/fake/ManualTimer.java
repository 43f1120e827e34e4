package io.impetus.testkit.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Delayed tasks run by the test: {@link #schedule} files a task due at the clock's now plus the
 * delay; {@link #advance} moves the clock and runs what fell due, in due order. Thread-safe.
 */
public final class ManualTimer {
    private record Task(Instant due, long seq, Runnable task) {
    }

    private final SettableClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    public ManualTimer(SettableClock clock) {
        this.clock = clock;
    }

    public synchronized void schedule(Runnable task, long delayMillis) {
        tasks.add(new Task(clock.instant().plusMillis(delayMillis), seq++, task));
    }

    public synchronized int pending() {
        return tasks.size();
    }

    /** Moves the clock by {@code d}, running each task as its time comes. */
    public void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due().isAfter(end))
                        .min(Comparator.comparing(Task::due).thenComparingLong(Task::seq)).orElse(null);
                if (next != null) {
                    tasks.remove(next);
                }
            }
            if (next == null) {
                break;
            }
            if (next.due().isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.due()));
            }
            next.task().run();
        }
        if (end.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), end));
        }
    }
}
