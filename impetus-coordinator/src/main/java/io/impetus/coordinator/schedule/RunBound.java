package io.impetus.coordinator.schedule;

import io.impetus.core.stream.StreamProperties;
import java.time.Duration;

/**
 * How long a schedule's run may go without a done notice before it counts as lost: every attempt its stream
 * allows, each as long as the stream's {@code jobTimeout} ({@link #DEFAULT_ATTEMPT} when the stream has none),
 * plus {@link #MARGIN} for the job's wait in the queue, a retry's requeue and the notice's way back. A run can
 * vanish without a notice (a message no node can read, dead-lettered; a notice lost); past this bound the
 * overlap policy {@code SKIP} stops waiting for it and the schedule runs again.
 */
public final class RunBound {
    /** An attempt's length when the stream sets no {@code jobTimeout} (a job may then run that long, and no more). */
    public static final Duration DEFAULT_ATTEMPT = Duration.ofHours(1);
    /** Added to the attempts' time: the queue wait, requeues between attempts, the done notice's trip. */
    public static final Duration MARGIN = Duration.ofMinutes(2);

    private RunBound() {
    }

    /** The bound for a run on a stream with properties {@code p} ({@code null}: the defaults). */
    public static Duration of(StreamProperties p) {
        if (p == null) {
            return DEFAULT_ATTEMPT.multipliedBy(StreamProperties.DEFAULT_MAX_ATTEMPTS).plus(MARGIN);
        }
        Duration attempt = p.jobTimeout() == null ? DEFAULT_ATTEMPT
                : Duration.ofMillis((long) Math.ceil(p.jobTimeout() * 1000));
        return attempt.multipliedBy(Math.max(1, p.maxAttempts())).plus(MARGIN);
    }
}
