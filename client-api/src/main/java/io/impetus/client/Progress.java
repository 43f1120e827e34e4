package io.impetus.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-stage counts: how many jobs each stage forked and how many results it processed, and the
 * failures of the run (a stage that threw), if any.
 *
 * @param stages stage name to its counts, in declaration order
 * @param failures what went wrong, one line each ({@code stage: exception}); empty for a good run
 */
public record Progress(Map<String, StageCounts> stages, List<String> failures) {
    /**
     * One stage's counts.
     *
     * @param forked jobs forked from the stage
     * @param processed results the stage processed
     * @param errors error results the stage received
     */
    public record StageCounts(long forked, long processed, long errors) {
    }

    /** Copies both; no failures when {@code failures} is null. */
    public Progress {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /** Counts of a run without failures. */
    public Progress(Map<String, StageCounts> stages) {
        this(stages, List.of());
    }

    /** How many results {@code stage} processed (0 for a stage it does not know). */
    public long processed(String stage) {
        StageCounts c = stages.get(stage);
        return c == null ? 0 : c.processed();
    }

    /** Whether a stage threw. */
    public boolean failed() {
        return !failures.isEmpty();
    }
}
