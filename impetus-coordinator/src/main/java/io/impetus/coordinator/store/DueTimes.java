package io.impetus.coordinator.store;

import java.time.Instant;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * When the delayed jobs this process wrote to the store fall due: the loop polls the store for due jobs at its
 * quick rate only while one of these has come (or a pass just found work), and at a slow rate otherwise. A hint,
 * never the truth: rows written by another coordinator, or before a restart, are found by the slow polls. At most
 * {@link #MOST} times are kept (the latest are dropped past that: found by the slow polls too). Thread-safe.
 */
public final class DueTimes {
    static final int MOST = 10_000;

    private final ConcurrentSkipListSet<Instant> times = new ConcurrentSkipListSet<>();

    /** A delayed job written to the store falls due at {@code due}. */
    public void held(Instant due) {
        times.add(due);
        while (times.size() > MOST) {
            times.pollLast();
        }
    }

    /** Whether a job noted here falls due at or before {@code now}; forgets those times. */
    public boolean takeDueBy(Instant now) {
        boolean any = false;
        while (!times.isEmpty() && !times.first().isAfter(now)) {
            times.pollFirst();
            any = true;
        }
        return any;
    }

    /** How many times are kept. */
    int size() {
        return times.size();
    }
}
