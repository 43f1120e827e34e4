package io.impetus.coordinator;

import io.impetus.coordinator.schedule.ScheduleFiring;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Loop step: fires the recurring jobs' due occurrences ({@link ScheduleFiring#runOnce()}), only while this
 * coordinator is the active one. Every {@link #EVERY} on a thread of its own ("schedules"): an occurrence is fired
 * at most this late (plus a store round trip), and {@code PublishDueJobs} publishes its job within its own period.
 * A pass reads the schedules only when its {@link DueWatch} says so: on becoming active, when the earliest next
 * occurrence the last pass saw has come, when a schedule changed ({@link ScheduleFiring#changed()}), and at least
 * every {@link DueWatch#QUIET} (runs lost, a schedule another coordinator wrote).
 */
final class FireSchedules {
    static final Duration EVERY = Duration.ofMillis(200);

    private final ScheduleFiring firing;
    private final BooleanSupplier active;
    private final DueWatch watch;

    FireSchedules(ScheduleFiring firing, BooleanSupplier active, DueWatch watch) {
        this.firing = firing;
        this.active = active;
        this.watch = watch;
    }

    /** Returns how many jobs it added (none while standing by, or when the store was not asked). */
    int runOnce() {
        if (!watch.startLook(active.getAsBoolean())) {
            return 0;
        }
        int added = firing.runOnce();
        watch.looked(firing.nextIn());
        return added;
    }
}
