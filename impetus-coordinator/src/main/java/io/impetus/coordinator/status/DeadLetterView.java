package io.impetus.coordinator.status;

import io.impetus.core.dead.DeadLetters;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the page shows of the dead letters: a page of {@link StatusPage#DEAD_PAGE} at a time (never all of
 * them), and their number per stream, counted in the background. Thread-safe.
 */
final class DeadLetterView {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterView.class);
    /** How often the dead letters are counted per stream (a pass reads them all). */
    static final long DEAD_COUNT_EVERY_MS = 30_000;
    static final long DEAD_PAGE_EVERY_MS = 10_000;

    /** {@code at}: a {@link System#nanoTime()}. */
    private record Page(long at, long total, int offset, List<Map<String, Object>> rows) {
    }

    private final DeadLetters dead;
    private final Clock clock;
    private volatile Page page;
    private volatile Map<String, Long> byStream = Map.of();
    private volatile long countedAt;
    private volatile long countedTotal = -1;
    private final AtomicBoolean counting = new AtomicBoolean();
    private final ExecutorService counter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "status-dead-count");
        t.setDaemon(true);
        return t;
    });

    DeadLetterView(DeadLetters dead, Clock clock) {
        this.dead = dead;
        this.clock = clock;
    }

    long total() {
        return dead.count();
    }

    /**
     * A page of dead letters: read from the dead queue (a round trip a letter) only when their number
     * changed, {@link #DEAD_PAGE_EVERY_MS} passed, the page asked is another, or one was replayed or
     * discarded here.
     */
    List<Map<String, Object>> page(long total, int offset) {
        Page p = page;
        long now = System.nanoTime();
        if (p != null && p.total() == total && p.offset() == offset && StatusPage.ageMs(p.at()) < DEAD_PAGE_EVERY_MS) {
            return p.rows();
        }
        List<Map<String, Object>> rows = dead.list(null, offset, StatusPage.DEAD_PAGE).stream()
                .map(DeadLetterView::row).toList();
        page = new Page(now, total, offset, rows);
        return rows;
    }

    /**
     * Dead letters per stream as last counted. Counting reads every letter (seconds for tens of
     * thousands), so it runs in the background, never in a request: started when their number
     * changed or {@link #DEAD_COUNT_EVERY_MS} passed, while someone polls the page; the page shows
     * the new counts with its next poll.
     */
    Map<String, Long> byStream(long total) {
        long now = clock.millis();
        if ((total != countedTotal || now - countedAt >= DEAD_COUNT_EVERY_MS) && counting.compareAndSet(false, true)) {
            countedAt = now;
            countedTotal = total;
            try {
                counter.execute(() -> {
                    try {
                        Map<String, Long> counts = new HashMap<>();
                        dead.list(null, 0, DeadLetters.MAX_SCAN).forEach(d -> counts.merge(String.valueOf(d.stream()), 1L,
                                Long::sum));
                        byStream = counts;
                    } catch (RuntimeException e) {
                        log.warn("status page: cannot count the dead letters per stream: {}", e.getMessage());
                        countedTotal = -1; // try again with the next poll
                    } finally {
                        counting.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                counting.set(false);
            }
        }
        return byStream;
    }

    /** A letter was replayed or discarded here: count and read the page again. */
    void changed() {
        countedTotal = -1;
        page = null;
    }

    private static Map<String, Object> row(DeadLetters.DeadLetter d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", d.position());
        m.put("id", d.id());
        m.put("stream", d.stream());
        m.put("name", d.name());
        m.put("reason", d.reason());
        m.put("time", d.time() == null ? null : d.time().toString());
        m.put("replayable", d.job() != null);
        return m;
    }
}
