package io.impetus.core.schedule;

/** What a schedule does with an occurrence that falls due while the job of an earlier one has not finished. */
public enum OverlapPolicy {
    /** It runs anyway: runs may overlap (the default). */
    ALLOW,
    /** It does not run while an earlier run is still going, and counts as skipped. */
    SKIP
}
