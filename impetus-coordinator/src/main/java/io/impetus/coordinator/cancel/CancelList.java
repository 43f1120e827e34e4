package io.impetus.coordinator.cancel;

import io.impetus.core.job.JobCancel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The cancels this coordinator accepted (or heard another coordinator announce) that nodes must still
 * honour: a node started after a cancel asks for them ({@code list_cancels}) before it refuses a
 * cancelled job it takes from the queue. Bounded: at most {@link #DEFAULT_MAX} cancels, none older than
 * {@link #DEFAULT_KEEP} (a job still queued after that runs). In memory only: a restart of every
 * coordinator forgets them (nodes keep their own copy as long). Thread-safe.
 */
public final class CancelList {
    /** How many cancels are kept at most; the oldest go first. */
    public static final int DEFAULT_MAX = 10_000;
    /** How long a cancel is kept. */
    public static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    private final Clock clock;
    private final int max;
    private final Duration keep;
    private final Deque<JobCancel> cancels = new ArrayDeque<>();

    public CancelList(Clock clock) {
        this(clock, DEFAULT_MAX, DEFAULT_KEEP);
    }

    public CancelList(Clock clock, int max, Duration keep) {
        if (max < 1 || keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("a cancel list keeps at least one cancel for some time, not " + max
                    + " for " + keep);
        }
        this.clock = clock;
        this.max = max;
        this.keep = keep;
    }

    /**
     * Keeps {@code cancel} (a repeat of one kept is kept once: the same stream, job and asker, accepted at the same
     * millisecond, since the copy heard back from the events exchange carries its time to the millisecond).
     */
    public synchronized void add(JobCancel cancel) {
        if (cancels.stream().anyMatch(c -> same(c, cancel))) {
            return;
        }
        cancels.addLast(cancel);
        while (cancels.size() > max) {
            cancels.removeFirst();
        }
    }

    private static boolean same(JobCancel a, JobCancel b) {
        return a.stream().equals(b.stream()) && java.util.Objects.equals(a.job(), b.job())
                && java.util.Objects.equals(a.by(), b.by()) && a.before().toEpochMilli() == b.before().toEpochMilli();
    }

    /** The cancels still kept, oldest first. */
    public synchronized List<JobCancel> recent() {
        Instant oldest = clock.instant().minus(keep);
        cancels.removeIf(c -> c.before().isBefore(oldest));
        return List.copyOf(cancels);
    }
}
