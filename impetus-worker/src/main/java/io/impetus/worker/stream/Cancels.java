package io.impetus.worker.stream;

import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cancels a node has heard ({@code job.cancel} events, and the coordinator's {@code list_cancels}
 * at start and every minute), which every stream of the node checks before it starts a job. Bounded
 * like the coordinator's list: at most {@link #DEFAULT_MAX}, none older than {@link #DEFAULT_KEEP}.
 * Thread-safe.
 */
public final class Cancels {
    public static final int DEFAULT_MAX = 10_000;
    public static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    private final Clock clock;
    private final int max;
    private final Duration keep;
    private final Deque<JobCancel> kept = new ArrayDeque<>();
    /** The same cancels by what they name: one job (stream and id), or a whole stream (its latest). */
    private final Map<String, JobCancel> byJob = new HashMap<>();
    private final Map<String, JobCancel> byStream = new HashMap<>();

    public Cancels(Clock clock) {
        this(clock, DEFAULT_MAX, DEFAULT_KEEP);
    }

    public Cancels(Clock clock, int max, Duration keep) {
        this.clock = clock;
        this.max = max;
        this.keep = keep;
    }

    /** Keeps {@code cancel}; whether it is new to this node. */
    public synchronized boolean add(JobCancel cancel) {
        if (kept.contains(cancel)) {
            return false;
        }
        kept.addLast(cancel);
        index(cancel);
        while (kept.size() > max) {
            kept.removeFirst();
            reindex();
        }
        return true;
    }

    private void index(JobCancel c) {
        if (c.job() != null) {
            byJob.put(c.stream() + '\n' + c.job(), c);
        } else {
            byStream.merge(c.stream(), c, (a, b) -> a.before().isAfter(b.before()) ? a : b);
        }
    }

    private void reindex() {
        byJob.clear();
        byStream.clear();
        kept.forEach(this::index);
    }

    /** The cancel that stops {@code job}, if one does. */
    public synchronized Optional<JobCancel> of(JobEnvelope job) {
        Instant oldest = clock.instant().minus(keep);
        if (!kept.isEmpty() && kept.peekFirst().before().isBefore(oldest) && kept.removeIf(c -> c.before().isBefore(oldest))) {
            reindex();
        }
        JobCancel one = byJob.get(job.stream() + '\n' + job.id());
        if (one != null) {
            return Optional.of(one);
        }
        JobCancel all = byStream.get(job.stream());
        return all != null && all.matches(job) ? Optional.of(all) : Optional.empty();
    }
}
