package io.impetus.client;

import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.OverlapPolicy;
import io.impetus.core.schedule.ScheduleSpec;
import java.time.Duration;

/**
 * How a schedule runs beyond its cron and zone: a cron with a first field of seconds, the misfire policy (and its
 * cap and threshold), the overlap policy, how many results its results queue keeps and for how long, and its jobs'
 * priority. Immutable; each {@code with…} returns a copy, and a bad value is refused at once with what is allowed.
 */
public final class ScheduleOptions {
    /** Five cron fields, {@code RUN_ONCE} after a downtime (60 s of grace), overlaps allowed, 1000 results for a day. */
    public static final ScheduleOptions DEFAULTS = new ScheduleOptions(false, null, 0, 0, null, 0, 0, null);

    private final boolean seconds;
    private final MisfirePolicy misfire;
    private final int catchUpCap;
    private final long misfireAfterSeconds;
    private final OverlapPolicy overlap;
    private final int resultsKept;
    private final long resultsTtlSeconds;
    private final Integer priority;

    private ScheduleOptions(boolean seconds, MisfirePolicy misfire, int catchUpCap, long misfireAfterSeconds,
                            OverlapPolicy overlap, int resultsKept, long resultsTtlSeconds, Integer priority) {
        this.seconds = seconds;
        this.misfire = misfire;
        this.catchUpCap = catchUpCap;
        this.misfireAfterSeconds = misfireAfterSeconds;
        this.overlap = overlap;
        this.resultsKept = resultsKept;
        this.resultsTtlSeconds = resultsTtlSeconds;
        this.priority = priority;
        spec("* * * * *", null); // validates
    }

    /** The cron has six fields, the first of seconds ({@code "* * * * * *"}: every second). */
    public ScheduleOptions withSeconds() {
        return new ScheduleOptions(true, misfire, catchUpCap, misfireAfterSeconds, overlap, resultsKept,
                resultsTtlSeconds, priority);
    }

    /** What runs of the occurrences missed during a downtime; {@code RUN_ALL} runs at most the default cap (100). */
    public ScheduleOptions withMisfire(MisfirePolicy policy) {
        return withMisfire(policy, ScheduleSpec.DEFAULT_CATCH_UP_CAP);
    }

    /** What runs of the occurrences missed during a downtime; {@code cap} (at least 1) bounds {@code RUN_ALL}. */
    public ScheduleOptions withMisfire(MisfirePolicy policy, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("the catch-up cap must be at least 1 (the most missed occurrences"
                    + " RUN_ALL runs after a downtime), was " + cap + "; use ScheduleSpec.DEFAULT_CATCH_UP_CAP ("
                    + ScheduleSpec.DEFAULT_CATCH_UP_CAP + ") if unsure");
        }
        return new ScheduleOptions(seconds, policy, cap, misfireAfterSeconds, overlap, resultsKept, resultsTtlSeconds,
                priority);
    }

    /** How late an occurrence may be and still run as a normal one (default 60 s). */
    public ScheduleOptions withMisfireAfter(Duration grace) {
        return new ScheduleOptions(seconds, misfire, catchUpCap, Math.max(1, grace.toSeconds()), overlap, resultsKept,
                resultsTtlSeconds, priority);
    }

    /** What an occurrence does while the schedule's last run is still going: run anyway, or be skipped. */
    public ScheduleOptions withOverlap(OverlapPolicy policy) {
        return new ScheduleOptions(seconds, misfire, catchUpCap, misfireAfterSeconds, policy, resultsKept,
                resultsTtlSeconds, priority);
    }

    /** The schedule's results queue keeps at most {@code kept} results (the oldest dropped), each for {@code ttl}. */
    public ScheduleOptions withResults(int kept, Duration ttl) {
        return new ScheduleOptions(seconds, misfire, catchUpCap, misfireAfterSeconds, overlap, kept,
                Math.max(1, ttl.toSeconds()), priority);
    }

    /** Its jobs' priority (capped by the stream's {@code maxPriority}); default the stream's. */
    public ScheduleOptions withPriority(int value) {
        return new ScheduleOptions(seconds, misfire, catchUpCap, misfireAfterSeconds, overlap, resultsKept,
                resultsTtlSeconds, value);
    }

    Integer priority() {
        return priority;
    }

    /** The wire form with {@code cron} and {@code zone}. */
    ScheduleSpec spec(String cron, String zone) {
        return new ScheduleSpec(cron, seconds, zone, misfire, catchUpCap, misfireAfterSeconds, overlap, resultsKept,
                resultsTtlSeconds);
    }
}
