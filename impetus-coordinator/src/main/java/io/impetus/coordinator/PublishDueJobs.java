package io.impetus.coordinator;

import io.impetus.coordinator.delay.DelayedJobs;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Loop step: publishes the delayed jobs that fell due ({@link DelayedJobs#runOnce()}), only while this
 * coordinator is the active one. Every {@link #EVERY} on a thread of its own: a due job's lateness is this
 * period, never the length of some upkeep. A pass asks the store only when its {@link DueWatch} says so (on
 * becoming active, when the earliest known due time has come, on a hint that a job was held, and at least
 * every {@link DueWatch#QUIET}), and then first with one read ({@link DelayedJobs#nextDue()}); only when a job is
 * due does it claim, in the fenced transaction, and publish as before. So an idle coordinator reads the store
 * once a second instead of writing a fenced transaction ten times a second.
 */
final class PublishDueJobs {
    static final Duration EVERY = Duration.ofMillis(100);

    private final DelayedJobs delayed;
    private final BooleanSupplier active;
    private final DueWatch watch;

    PublishDueJobs(DelayedJobs delayed, BooleanSupplier active, DueWatch watch) {
        this.delayed = delayed;
        this.active = active;
        this.watch = watch;
    }

    /** Returns how many jobs it published (none while standing by, or when the store was not asked). */
    int runOnce() {
        if (!watch.startLook(active.getAsBoolean())) {
            return 0;
        }
        Optional<Duration> next = delayed.nextDue();
        if (next.isEmpty() || next.get().compareTo(Duration.ZERO) > 0) {
            watch.looked(next);
            return 0;
        }
        int sent = delayed.runOnce();
        // due jobs: look again at the next pass, until none is left (published and released, or more than a batch)
        watch.looked(Optional.of(Duration.ZERO));
        return sent;
    }
}
