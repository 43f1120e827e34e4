package io.impetus.core.schedule;

/**
 * What a schedule does with occurrences that were due while no coordinator could fire them (a downtime, a long
 * fail-over) and are now later than the schedule's {@code misfireAfterSeconds}.
 */
public enum MisfirePolicy {
    /** None of them runs; each counts as a miss. */
    SKIP,
    /** The latest of them runs once; the others count as misses (the default). */
    RUN_ONCE,
    /** They all run, the latest {@code catchUpCap} of them at most; the older ones count as misses. */
    RUN_ALL
}
