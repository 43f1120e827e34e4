package io.impetus.worker.stream;

import java.time.Duration;
import java.time.Instant;

/**
 * How long the warm pool waits before it starts blank workers again after starts that failed or
 * workers that died soon after their start (a broken worker command, a JVM option the JVM refuses):
 * {@link #FIRST} after the first failure, twice as long after each next one, at most {@link #MOST};
 * back to nothing once a worker has lived {@link #HEALTHY} or was put to use. Failures while the pool already waits
 * (the blank workers of one fill dying together) are one step. Not thread-safe: its owner locks.
 */
final class StartBackoff {
    static final Duration FIRST = Duration.ofMillis(WorkerStarts.SPAWN_RETRY_MS);
    static final Duration MOST = Duration.ofMinutes(5);
    /** A worker that lived this long shows the worker command works. */
    static final Duration HEALTHY = Duration.ofSeconds(30);

    private int steps;
    private Instant until = Instant.MIN;

    /** Whether starts wait at {@code now}. */
    boolean waiting(Instant now) {
        return now.isBefore(until);
    }

    /**
     * A start failed, or a worker died {@code lived} after its start, at {@code now}: the wait of the new
     * step, or {@code null} when this is no new step (the pool already waits, or the worker lived long enough,
     * which ends the backoff).
     */
    Duration failed(Instant now, Duration lived) {
        if (lived.compareTo(HEALTHY) >= 0) {
            steps = 0;
            return null;
        }
        if (waiting(now)) {
            return null;
        }
        steps++;
        Duration wait = FIRST.multipliedBy(1L << Math.min(steps - 1, 20));
        if (wait.compareTo(MOST) > 0) {
            wait = MOST;
        }
        until = now.plus(wait);
        return wait;
    }

    /** A worker lived {@code lived}: at {@link #HEALTHY} or more, the backoff ends (true if it was on). */
    boolean lived(Duration lived) {
        if (steps == 0 || lived.compareTo(HEALTHY) < 0) {
            return false;
        }
        steps = 0;
        return true;
    }

    /** A started worker was put to use (it said hello and a stream took it): the backoff ends (true if it was on). */
    boolean worked() {
        if (steps == 0) {
            return false;
        }
        steps = 0;
        return true;
    }

    int steps() {
        return steps;
    }
}
