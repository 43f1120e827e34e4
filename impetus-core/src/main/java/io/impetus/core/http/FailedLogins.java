package io.impetus.core.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Failed logins per address: {@link #MAX_FAILURES} within {@link #WINDOW} block the address for
 * the rest of that window, so the endpoint's key cannot be guessed at network speed. Thread-safe.
 */
public final class FailedLogins {
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_ADDRESSES = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    public FailedLogins(Clock clock) {
        this.clock = clock;
    }

    public synchronized void failed(String address) {
        if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
            failures.clear(); // a flood of addresses: forget rather than grow without bound
        }
        Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        times.addLast(clock.instant());
        while (times.size() > MAX_FAILURES) {
            times.removeFirst();
        }
    }

    public synchronized boolean blocked(String address) {
        Deque<Instant> times = failures.get(address);
        if (times == null) {
            return false;
        }
        Instant cutoff = clock.instant().minus(WINDOW);
        times.removeIf(t -> t.isBefore(cutoff));
        if (times.isEmpty()) {
            failures.remove(address);
            return false;
        }
        return times.size() >= MAX_FAILURES;
    }
}
