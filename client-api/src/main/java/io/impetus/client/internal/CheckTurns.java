package io.impetus.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which streams a periodic check looks at this pass: at most {@code budget}, those looked at least
 * lately first (never looked at before anything else), so that every stream gets its turn and a pass
 * costs the broker the same with 50 streams or 1,000. Not thread-safe: one checking thread.
 */
final class CheckTurns {
    /** Streams no longer candidates kept beyond twice the candidates before they are forgotten. */
    static final int FORGET_ABOVE = 1_000;
    private final int budget;
    private final Map<String, Long> lastTurn = new HashMap<>();
    private long turns;

    CheckTurns(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("a check looks at one stream a pass at least, not " + budget);
        }
        this.budget = budget;
    }

    /**
     * The streams of {@code candidates} whose turn it is. A stream that leaves the candidates for a while (no job
     * outstanding) keeps its last turn, so it does not come back as never looked at and go before streams that
     * always have jobs; those are forgotten only when many more are kept than there are candidates.
     */
    List<String> next(Collection<String> candidates) {
        if (lastTurn.size() > 2 * candidates.size() + FORGET_ABOVE) {
            lastTurn.keySet().retainAll(candidates);
        }
        List<String> order = new ArrayList<>(candidates);
        order.sort(Comparator.comparingLong(s -> lastTurn.getOrDefault(s, 0L)));
        List<String> picked = order.subList(0, Math.min(budget, order.size()));
        for (String s : picked) {
            lastTurn.put(s, ++turns);
        }
        return List.copyOf(picked);
    }
}
