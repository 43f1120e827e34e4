package io.impetus.client.internal;

import io.impetus.client.ForkTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How many of this client's jobs are outstanding, per stream (held at the stream's {@code mss}) and
 * in all (held at {@code IMPETUS_MAX_OUTSTANDING}, default {@value #DEFAULT_MAX}): a client forking a
 * million jobs in a loop waits for results instead of keeping them all in memory. Thread-safe.
 */
final class Reservations {
    static final String ENV_MAX = "IMPETUS_MAX_OUTSTANDING";
    static final int DEFAULT_MAX = 10_000;
    /** Set on the threads that deliver results: a fork there is not held at {@code max} (it would wait for itself). */
    static final ThreadLocal<Boolean> UNBOUNDED_HERE = new ThreadLocal<>();
    private final Map<String, Integer> outstanding = new HashMap<>();
    private final int max;
    private int total;

    Reservations(int max) {
        if (max < 1) {
            throw new IllegalArgumentException(ENV_MAX + " must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** The most jobs outstanding in all. */
    int max() {
        return max;
    }

    /**
     * Waits while {@code mss} jobs of the stream are outstanding (no limit when {@code mss} is
     * null), then counts one more. Returns how long it waited.
     *
     * @throws ForkTimeoutException when {@code timeout} passed first
     */
    synchronized Duration reserve(String stream, Integer mss, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
        boolean bounded = UNBOUNDED_HERE.get() == null;
        while ((mss != null && outstanding.getOrDefault(stream, 0) >= mss) || (bounded && total >= max)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ForkTimeoutException(stream, mss != null && outstanding.getOrDefault(stream, 0) >= mss ? mss
                        : max, Duration.ofNanos(System.nanoTime() - start));
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
        }
        outstanding.merge(stream, 1, Integer::sum);
        total++;
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** How many jobs are outstanding in all. */
    synchronized int total() {
        return total;
    }

    /** One job of the stream is no longer outstanding (its result came, or it was never sent). */
    synchronized void release(String stream) {
        outstanding.computeIfPresent(stream, (k, n) -> n > 1 ? n - 1 : null);
        total = Math.max(0, total - 1);
        notifyAll();
    }
}
