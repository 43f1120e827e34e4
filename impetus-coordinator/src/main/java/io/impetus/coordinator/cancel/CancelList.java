package io.impetus.coordinator.cancel;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.job.JobCancel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The cancels nodes must still honour, kept in the coordinator's store (its single home): a cancel is recorded,
 * through the lease's fence, before it is acknowledged and announced, so a restart of every coordinator, a
 * fail-over or a broker restart forgets none, and a node started later asks for them ({@code list_cancels})
 * before it refuses a cancelled job it takes from the queue. Bounded: the newest {@link #DEFAULT_MAX}, none older
 * than {@link #DEFAULT_KEEP} (what a node honours: a job still queued after that runs); the store's upkeep deletes
 * older rows, and those of streams whose queues were removed. Thread-safe (the store is).
 */
public final class CancelList {
    /** How many cancels are listed at most; the oldest are left out first. */
    public static final int DEFAULT_MAX = 10_000;
    /** How long a cancel is kept (nodes keep theirs as long). */
    public static final Duration DEFAULT_KEEP = Duration.ofHours(24);

    private final CoordinatorStore store;
    private final Clock clock;
    private final int max;
    private final Duration keep;

    public CancelList(CoordinatorStore store, Clock clock) {
        this(store, clock, DEFAULT_MAX, DEFAULT_KEEP);
    }

    public CancelList(CoordinatorStore store, Clock clock, int max, Duration keep) {
        if (max < 1 || keep.isNegative() || keep.isZero()) {
            throw new IllegalArgumentException("a cancel list keeps at least one cancel for some time, not " + max
                    + " for " + keep);
        }
        this.store = store;
        this.clock = clock;
        this.max = max;
        this.keep = keep;
    }

    /**
     * Records {@code cancel} in the store (a repeat is kept once); throws, recording nothing, when this coordinator
     * no longer holds the lease ({@code FencedException}) or the store cannot be reached.
     */
    public void add(JobCancel cancel) {
        store.saveCancel(cancel);
    }

    /** The cancels still kept, oldest first (read from the store). */
    public List<JobCancel> recent() {
        return store.cancels(clock.instant().minus(keep), max);
    }
}
