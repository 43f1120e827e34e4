package io.impetus.coordinator;

import io.impetus.coordinator.delay.DelayedJobs;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Loop step: publishes the delayed jobs that fell due ({@link DelayedJobs#runOnce()}), only while this
 * coordinator is the active one. Every {@link #EVERY} on a thread of its own: a due job's lateness is this
 * period, never the length of some upkeep.
 */
final class PublishDueJobs {
    static final Duration EVERY = Duration.ofMillis(100);

    private final DelayedJobs delayed;
    private final BooleanSupplier active;

    PublishDueJobs(DelayedJobs delayed, BooleanSupplier active) {
        this.delayed = delayed;
        this.active = active;
    }

    /** Returns how many jobs it published (none while standing by). */
    int runOnce() {
        return active.getAsBoolean() ? delayed.runOnce() : 0;
    }
}
