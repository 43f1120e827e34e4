package io.impetus.coordinator.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * A cron expression in a time zone, read by cron-utils (five Unix fields, or Spring's six with a first field of
 * seconds when asked for), and its occurrences as instants. The expression is matched against the zone's wall
 * clock, then each matching wall time becomes an instant by two rules for daylight-saving changes:
 * <ul>
 *   <li>a wall time that does not exist (in the gap of a clock moving forward) runs once, at the end of the gap
 *       (the instant the clock jumped: 03:00 CEST for 02:30 in Berlin on the last Sunday of March); every time of
 *       the gap maps to that one instant, so an every-minute schedule runs there once, not once per skipped minute;</li>
 *   <li>a wall time that exists twice (a clock moving back) runs once, at the first (the earlier offset): the
 *       repeated hour is not run again.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class CronSchedule {
    /** The most wall times looked at for one next occurrence (an every-second cron crosses a repeated hour in 3,600). */
    private static final int MOST_STEPS = 100_000;
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /**
     * Reads {@code expression} in {@code zone}.
     *
     * @param seconds whether the expression has six fields, the first of seconds
     * @throws IllegalArgumentException saying what is wrong: the number of fields, a field cron-utils cannot read,
     *     an unknown zone, an expression that never matches
     */
    public static CronSchedule parse(String expression, boolean seconds, String zone) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("a schedule needs a cron expression, e.g. '*/5 * * * *'");
        }
        String trimmed = expression.trim();
        int fields = trimmed.split("\\s+").length;
        int wanted = seconds ? 6 : 5;
        if (fields != wanted) {
            throw new IllegalArgumentException("cron '" + trimmed + "' has " + fields + " fields; "
                    + (seconds ? "with seconds a cron has 6 (second minute hour day-of-month month day-of-week)"
                    : "a cron has 5 (minute hour day-of-month month day-of-week)"
                    + (fields == 6 ? " — for a first field of seconds, ask for seconds (--seconds, withSeconds(true))"
                    : "")));
        }
        ZoneId id = zone(zone);
        Cron cron;
        try {
            cron = (seconds ? WITH_SECONDS : UNIX).parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + trimmed + "' cannot be read: " + e.getMessage());
        }
        CronSchedule schedule = new CronSchedule(trimmed, id, ExecutionTime.forCron(cron));
        if (schedule.nextWallTime(LocalDateTime.of(2000, 1, 1, 0, 0)).isEmpty()) {
            throw new IllegalArgumentException("cron '" + trimmed + "' never matches a date");
        }
        return schedule;
    }

    /** {@code zone} as a zone id, or an {@link IllegalArgumentException} saying what a zone may be. */
    public static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + zone + "': use an IANA zone id such as"
                    + " Europe/Berlin or America/New_York, or UTC");
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first occurrence strictly after {@code after}; {@code null} if there is none. */
    public Instant next(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MOST_STEPS; i++) {
            Optional<LocalDateTime> candidate = nextWallTime(wall);
            if (candidate.isEmpty()) {
                return null;
            }
            Instant at = instantOf(candidate.get());
            if (at.isAfter(after)) {
                return at;
            }
            wall = candidate.get(); // in a repeated hour's second pass: its times ran at the first
        }
        throw new IllegalStateException("cron '" + expression + "' in " + zone + ": no occurrence after " + after
                + " within " + MOST_STEPS + " steps");
    }

    /** The wall time of {@link #zone} at which a wall time runs: the gap's end for one in a gap, the first of two. */
    Instant instantOf(LocalDateTime wall) {
        ZoneOffsetTransition change = zone.getRules().getTransition(wall);
        if (change != null && change.isGap()) {
            return change.getInstant();
        }
        return wall.atZone(zone).toInstant(); // in an overlap, atZone takes the earlier offset
    }

    /** The next wall time after {@code wall} that the expression matches (computed on a clock without changes). */
    private Optional<LocalDateTime> nextWallTime(LocalDateTime wall) {
        return times.nextExecution(ZonedDateTime.of(wall, ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
