package io.impetus.coordinator;

import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.schedule.ScheduleFiring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Loop step: polls the store for work that fell due ({@link #publishDueJobs delayed jobs}, {@link #fireSchedules
 * schedules' occurrences}), only while this coordinator is the active one. A pass asks the store only when the
 * work may be due (a hint says so: a job this process held has come due, a schedule's next occurrence has come or
 * a schedule changed), when the last pass found work, on becoming active, or {@link #QUIET} after the last asking:
 * an idle coordinator with a thousand streams asks once a second instead of ten times, and a due job is still
 * published within the step's period of its time. Run on a thread of its own: its lateness is its period, never
 * the length of some upkeep. Not thread-safe: one thread runs it.
 */
final class PollDue {
    /** How often the due delayed jobs are looked for at most, and how late one is at most. */
    static final Duration DUE_JOBS_EVERY = Duration.ofMillis(100);
    /** How often the schedules are looked at: an occurrence is fired at most this late (plus a store round trip). */
    static final Duration SCHEDULES_EVERY = Duration.ofMillis(200);
    /**
     * The longest time between two askings while active and idle: how late work the hints do not know about is
     * found (held by another coordinator before this one took the lease, or before a restart; a database whose
     * clock runs behind this process's).
     */
    static final Duration QUIET = Duration.ofSeconds(1);

    private final BooleanSupplier active;
    private final BooleanSupplier mayBeDue;
    private final IntSupplier pass;
    private final Clock clock;
    private boolean activeBefore;
    private boolean found;
    private Instant asked = Instant.MIN;

    PollDue(BooleanSupplier active, BooleanSupplier mayBeDue, IntSupplier pass, Clock clock) {
        this.active = active;
        this.mayBeDue = mayBeDue;
        this.pass = pass;
        this.clock = clock;
    }

    /** Publishes the delayed jobs that fell due ({@link DelayedJobs#runOnce()}). */
    static PollDue publishDueJobs(DelayedJobs delayed, BooleanSupplier active, Clock clock) {
        return new PollDue(active, delayed::anyNotedDue, delayed::runOnce, clock);
    }

    /** Fires the recurring jobs' due occurrences ({@link ScheduleFiring#runOnce()}); their jobs are delayed jobs due now. */
    static PollDue fireSchedules(ScheduleFiring firing, BooleanSupplier active, Clock clock) {
        return new PollDue(active, firing::mayBeDue, firing::runOnce, clock);
    }

    /** Returns how much work the pass did (none while standing by, or when the store was not asked). */
    int runOnce() {
        if (!active.getAsBoolean()) {
            activeBefore = false;
            return 0;
        }
        Instant now = clock.instant();
        boolean hinted = mayBeDue.getAsBoolean();
        if (activeBefore && !found && !hinted && now.isBefore(asked.plus(QUIET))) {
            return 0;
        }
        activeBefore = true;
        asked = now;
        int done = pass.getAsInt();
        // once more after a hinted pass: the row of a job noted due may not have been committed when it read
        found = done > 0 || hinted;
        return done;
    }
}
