package io.impetus.coordinator.store;

import io.impetus.core.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.List;

/**
 * A recurring job's row: its definition ({@code spec}, the signed template {@code job} of each run's job, whose
 * stream, function, argument and options it carries), whether it is paused, its next occurrence, its last
 * occurrence with that run's job and outcome, when that was fired ({@code lastFired}, for the lag) and its counts.
 * {@code running} is how many of its runs have no outcome yet, {@code oldestRunning} when the oldest of them was
 * fired (read, never written); {@code lost} how many runs were given up as lost (no done notice within their
 * bound, {@code ScheduleFiring}).
 */
public record ScheduleRecord(String id, String stream, String creator, String function, ScheduleSpec spec,
                             byte[] job, boolean paused, Instant next, Instant lastOccurrence, String lastJob,
                             String lastOutcome, Instant lastFired, long runs, long misses, long overlapSkips,
                             long lost, int running, Instant oldestRunning, Instant created) {

    /** A new schedule (or a new definition of one): nothing run yet, as far as this record says. */
    public static ScheduleRecord defined(String id, String stream, String creator, String function,
                                         ScheduleSpec spec, byte[] job, boolean paused, Instant next, Instant created) {
        return new ScheduleRecord(id, stream, creator, function, spec, job, paused, next, null, null, null, null, 0, 0,
                0, 0, 0, null, created);
    }

    /** One occurrence to run: its instant and its job (id, stream, priority, envelope ready to publish). */
    public record Fire(Instant occurrence, String job, String stream, int priority, byte[] body) {
    }

    /**
     * What one pass decided for schedule {@code schedule}, written in one fenced transaction, and only if its next
     * occurrence is still {@code expectedNext} (else another write changed it since the pass read it): the fires
     * (each an occurrence row under the unique key (schedule, occurrence) and a delayed job due now — an
     * occurrence fired before is not fired again), the new {@code next}, and the counts of occurrences missed
     * (misfire policy) and skipped (overlap policy).
     */
    public record Firing(String schedule, Instant expectedNext, Instant next, List<Fire> fires, long missed,
                         long overlapSkipped, Instant firedAt) {
    }
}
