package io.impetus.coordinator;

import io.impetus.coordinator.schedule.ScheduleFiring;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Loop step: fires the recurring jobs' due occurrences ({@link ScheduleFiring#runOnce()}), only while this
 * coordinator is the active one. Every {@link #EVERY} on a thread of its own ("schedules"): an occurrence is fired
 * at most this late (plus a store round trip), and {@code PublishDueJobs} publishes its job within its own period.
 */
final class FireSchedules {
    static final Duration EVERY = Duration.ofMillis(200);

    private final ScheduleFiring firing;
    private final BooleanSupplier active;

    FireSchedules(ScheduleFiring firing, BooleanSupplier active) {
        this.firing = firing;
        this.active = active;
    }

    /** Returns how many jobs it added (none while standing by). */
    int runOnce() {
        return active.getAsBoolean() ? firing.runOnce() : 0;
    }
}
