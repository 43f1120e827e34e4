package io.impetus.client;

import java.util.Map;

/**
 * Per-stage counts: how many jobs each stage forked and how many results it processed.
 *
 * @param stages stage name to its counts, in declaration order
 */
public record Progress(Map<String, StageCounts> stages) {
    /** One stage's counts. */
    public record StageCounts(long forked, long processed, long errors) {
    }

    public long processed(String stage) {
        StageCounts c = stages.get(stage);
        return c == null ? 0 : c.processed();
    }
}
