package io.impetus.coordinator.schedule;

import io.impetus.core.schedule.OverlapPolicy;
import io.impetus.core.schedule.ScheduleSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What one pass does with a schedule whose next occurrence is due: which occurrences run, the next one after
 * now, and how many were missed (the misfire policy) or skipped (the overlap policy). An occurrence up to
 * {@code misfireAfterSeconds} late runs as a normal one; older ones are misfires: {@code SKIP} runs none of
 * them, {@code RUN_ONCE} the latest, {@code RUN_ALL} the latest {@code catchUpCap}. Under overlap {@code SKIP}
 * nothing runs while an earlier run has no outcome, and a pass runs one occurrence at most (the latest).
 */
public record FiringPlan(List<Instant> run, Instant next, long missed, long overlapSkipped) {
    /** The most occurrences one pass walks through (a year of an every-minute schedule); beyond, it jumps to now. */
    static final int MOST_STEPS = 600_000;

    /**
     * @param due the schedule's stored next occurrence (not after {@code now})
     * @param running how many of its runs have no outcome yet
     */
    public static FiringPlan of(CronSchedule cron, ScheduleSpec spec, Instant due, Instant now, int running) {
        Instant misfireBefore = now.minusSeconds(spec.misfireAfterSeconds());
        int keep = switch (spec.misfire()) {
            case SKIP -> 0;
            case RUN_ONCE -> 1;
            case RUN_ALL -> spec.catchUpCap();
        };
        Deque<Instant> late = new ArrayDeque<>();
        long lateCount = 0;
        List<Instant> onTime = new ArrayList<>();
        Instant t = due;
        int steps = 0;
        while (t != null && !t.isAfter(now)) {
            if (t.isBefore(misfireBefore)) {
                lateCount++;
                late.addLast(t);
                if (late.size() > keep) {
                    late.removeFirst();
                }
            } else {
                onTime.add(t);
            }
            if (++steps >= MOST_STEPS) {
                t = cron.next(now); // the rest up to now are missed too (not counted one by one)
                break;
            }
            t = cron.next(t);
        }
        List<Instant> run = new ArrayList<>(late);
        run.addAll(onTime);
        long missed = lateCount - late.size();
        long skipped = 0;
        if (spec.overlap() == OverlapPolicy.SKIP && !run.isEmpty()) {
            if (running > 0) {
                skipped = run.size();
                run = List.of();
            } else if (run.size() > 1) {
                skipped = run.size() - 1;
                run = List.of(run.get(run.size() - 1));
            }
        }
        return new FiringPlan(List.copyOf(run), t, missed, skipped);
    }
}
