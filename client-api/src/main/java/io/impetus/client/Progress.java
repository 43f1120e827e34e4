package io.impetus.client;

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
    /** One stage's counts. */
    public record StageCounts(long forked, long processed, long errors) {
    }

    public Progress {
        stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    public Progress(Map<String, StageCounts> stages) {
        this(stages, List.of());
    }

    public long processed(String stage) {
        StageCounts c = stages.get(stage);
        return c == null ? 0 : c.processed();
    }

    /** Whether a stage threw. */
    public boolean failed() {
        return !failures.isEmpty();
    }
}
