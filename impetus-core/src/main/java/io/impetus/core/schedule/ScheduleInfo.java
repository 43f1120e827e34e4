package io.impetus.core.schedule;

import java.time.Instant;

/**
 * A schedule as the coordinator reports it: its definition, whether it is paused, its next occurrence, its last
 * one and that run's outcome ({@code running}, {@code ok}, {@code error}, {@code lost}), how late the last one was fired
 * ({@code lagMillis}), and its counts: occurrences run, missed (misfire policy), skipped (overlap policy) and
 * lost (runs with no done notice within their bound: the stream's job timeout times its attempts, plus a margin).
 *
 * @param resultsQueue the queue that holds the latest results of its runs (bounded in length and age)
 */
public record ScheduleInfo(String id, String stream, String creator, String function, ScheduleSpec spec,
                           boolean paused, Instant next, Instant lastOccurrence, String lastJob, String lastOutcome,
                           long lagMillis, long runs, long misses, long overlapSkips, long lost, int running,
                           String resultsQueue) {
}
