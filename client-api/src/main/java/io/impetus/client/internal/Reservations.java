package io.impetus.client.internal;

import io.impetus.client.ForkTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Per stream, how many of this client's jobs are outstanding, held at the stream's {@code mss}. Thread-safe. */
final class Reservations {
    private final Map<String, Integer> outstanding = new HashMap<>();

    /**
     * Waits while {@code mss} jobs of the stream are outstanding (no limit when {@code mss} is
     * null), then counts one more. Returns how long it waited.
     *
     * @throws ForkTimeoutException when {@code timeout} passed first
     */
    synchronized Duration reserve(String stream, Integer mss, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        if (mss != null) {
            long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
            while (outstanding.getOrDefault(stream, 0) >= mss) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ForkTimeoutException(stream, mss, Duration.ofNanos(System.nanoTime() - start));
                }
                wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
            }
        }
        outstanding.merge(stream, 1, Integer::sum);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** One job of the stream is no longer outstanding (its result came, or it was never sent). */
    synchronized void release(String stream) {
        outstanding.computeIfPresent(stream, (k, n) -> n > 1 ? n - 1 : null);
        notifyAll();
    }
}
