package io.impetus.core.schedule;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * When and how a recurring job runs: a cron expression in a time zone, and what to do with occurrences missed
 * while no coordinator was active ({@link MisfirePolicy}) and with one that falls due while the previous run is
 * still going ({@link OverlapPolicy}). Its results are kept in the schedule's own results queue, at most
 * {@code resultsKept} of them for at most {@code resultsTtlSeconds}. Checked here for its form; the coordinator
 * checks the cron expression and the zone and refuses, with the reason, what it cannot read.
 *
 * @param cron five fields ({@code minute hour day-of-month month day-of-week}, Unix cron), or six with a first
 *     field of seconds when {@code seconds} is set
 * @param seconds whether {@code cron} starts with a field of seconds (six fields); off by default, so a six-field
 *     expression meant as five is refused rather than read another way
 * @param zone an IANA zone id ({@code Europe/Berlin}) or {@code UTC}
 * @param misfireAfterSeconds how late an occurrence may be and still run as a normal one; later ones are misfires
 * @param catchUpCap under {@link MisfirePolicy#RUN_ALL}, the most missed occurrences run after a downtime
 */
public record ScheduleSpec(String cron, boolean seconds, String zone, MisfirePolicy misfire, int catchUpCap,
                           long misfireAfterSeconds, OverlapPolicy overlap, int resultsKept, long resultsTtlSeconds) {
    /** A schedule's id: 1 to 80 letters, digits, '.', '_' or '-' (its jobs' ids add the occurrence's time). */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,79}");
    public static final MisfirePolicy DEFAULT_MISFIRE = MisfirePolicy.RUN_ONCE;
    public static final OverlapPolicy DEFAULT_OVERLAP = OverlapPolicy.ALLOW;
    public static final int DEFAULT_CATCH_UP_CAP = 100;
    public static final long DEFAULT_MISFIRE_AFTER_SECONDS = 60;
    public static final int DEFAULT_RESULTS_KEPT = 1000;
    public static final long DEFAULT_RESULTS_TTL_SECONDS = 24 * 3600;
    public static final int MAX_RESULTS_KEPT = 100_000;
    public static final int MAX_CATCH_UP_CAP = 10_000;

    public ScheduleSpec {
        if (cron == null || cron.isBlank()) {
            throw new IllegalArgumentException("a schedule needs a cron expression, e.g. '*/5 * * * *'");
        }
        cron = cron.trim();
        zone = zone == null || zone.isBlank() ? "UTC" : zone.trim();
        misfire = misfire == null ? DEFAULT_MISFIRE : misfire;
        overlap = overlap == null ? DEFAULT_OVERLAP : overlap;
        catchUpCap = catchUpCap == 0 ? DEFAULT_CATCH_UP_CAP : catchUpCap;
        misfireAfterSeconds = misfireAfterSeconds == 0 ? DEFAULT_MISFIRE_AFTER_SECONDS : misfireAfterSeconds;
        resultsKept = resultsKept == 0 ? DEFAULT_RESULTS_KEPT : resultsKept;
        resultsTtlSeconds = resultsTtlSeconds == 0 ? DEFAULT_RESULTS_TTL_SECONDS : resultsTtlSeconds;
        if (catchUpCap < 1 || catchUpCap > MAX_CATCH_UP_CAP) {
            throw new IllegalArgumentException("catchUpCap must be 1 to " + MAX_CATCH_UP_CAP + ", was " + catchUpCap);
        }
        if (misfireAfterSeconds < 1) {
            throw new IllegalArgumentException("misfireAfterSeconds must be at least 1, was " + misfireAfterSeconds);
        }
        if (resultsKept < 1 || resultsKept > MAX_RESULTS_KEPT) {
            throw new IllegalArgumentException("resultsKept must be 1 to " + MAX_RESULTS_KEPT + ", was " + resultsKept);
        }
        if (resultsTtlSeconds < 1) {
            throw new IllegalArgumentException("resultsTtlSeconds must be at least 1, was " + resultsTtlSeconds);
        }
    }

    /** A five-field cron in {@code zone}, every other choice its default. */
    public static ScheduleSpec of(String cron, String zone) {
        return new ScheduleSpec(cron, false, zone, null, 0, 0, null, 0, 0);
    }

    public ScheduleSpec withSeconds(boolean value) {
        return new ScheduleSpec(cron, value, zone, misfire, catchUpCap, misfireAfterSeconds, overlap, resultsKept,
                resultsTtlSeconds);
    }

    public ScheduleSpec withMisfire(MisfirePolicy value, int cap) {
        return new ScheduleSpec(cron, seconds, zone, value, cap, misfireAfterSeconds, overlap, resultsKept,
                resultsTtlSeconds);
    }

    public ScheduleSpec withMisfireAfterSeconds(long value) {
        return new ScheduleSpec(cron, seconds, zone, misfire, catchUpCap, value, overlap, resultsKept,
                resultsTtlSeconds);
    }

    public ScheduleSpec withOverlap(OverlapPolicy value) {
        return new ScheduleSpec(cron, seconds, zone, misfire, catchUpCap, misfireAfterSeconds, value, resultsKept,
                resultsTtlSeconds);
    }

    public ScheduleSpec withResults(int kept, long ttlSeconds) {
        return new ScheduleSpec(cron, seconds, zone, misfire, catchUpCap, misfireAfterSeconds, overlap, kept,
                ttlSeconds);
    }

    /** {@code id}, or an {@link IllegalArgumentException} saying what a schedule id may be. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("schedule id '" + id + "' is not valid: use 1 to 80 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** The client id a schedule's jobs carry: their results go to the schedule's own results queue. */
    public static String resultsClient(String scheduleId) {
        return "schedule." + Objects.requireNonNull(scheduleId);
    }
}
