package io.impetus.coordinator.status;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.rpc.StreamInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page's streams table: every stream's row, the busiest first (largest backlog, then most in flight,
 * then by name), totals over all of them, and a window of it — a page, optionally of the streams whose
 * name contains a filter — so the browser never draws a thousand rows. The sorted rows are made again
 * when a new sample or new dead counts arrive, or {@link #ROWS_EVERY_MS} passed (a stream opened or
 * closed since shows then); every viewer's window and every poll in between is cut from them. Thread-safe.
 */
final class StreamsTable {
    /** Rows a page of the table shows unless the request asks another {@code limit}. */
    static final int PAGE = 200;
    /** The most rows one request may ask. */
    static final int MAX_LIMIT = 5000;
    /** The sorted rows are made again at least this often: as often as the queue counts change (the sample). */
    static final long ROWS_EVERY_MS = StatusPage.SAMPLE_SECONDS * 1000;

    /** The sorted rows and their totals, made from {@code queues} and {@code dead} at {@code at} (a nanoTime). */
    private record Sorted(long at, QueueCounts.Snapshot queues, Map<String, Long> dead, List<Map<String, Object>> rows,
                          Map<String, Object> totals) {
    }

    private final CoordinatorStore store;
    private volatile Sorted sorted;

    StreamsTable(CoordinatorStore store) {
        this.store = store;
    }

    /**
     * The window of the table {@code /api/status} serves: {@code offset} rows skipped, at most {@code limit}
     * ({@code null}: all), of the streams whose name contains {@code filter} (ignoring case; blank: all).
     */
    Window window(QueueCounts.Snapshot queues, Map<String, Long> dead, int offset, Integer limit, String filter) {
        Sorted s = sorted(queues, dead);
        String f = filter == null ? "" : filter.trim().toLowerCase(Locale.ROOT);
        List<Map<String, Object>> matched = f.isEmpty() ? s.rows() : s.rows().stream()
                .filter(r -> ((String) r.get("stream")).toLowerCase(Locale.ROOT).contains(f)).toList();
        int from = Math.min(offset, matched.size());
        int to = limit == null ? matched.size() : Math.min(matched.size(), from + Math.min(limit, MAX_LIMIT));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", s.rows().size());
        page.put("matched", matched.size());
        page.put("offset", from);
        page.put("limit", limit);
        page.put("filter", f);
        return new Window(List.copyOf(matched.subList(from, to)), page, s.totals());
    }

    /** A window of the table: its rows, where it is ({@code total, matched, offset, limit, filter}), the totals. */
    record Window(List<Map<String, Object>> rows, Map<String, Object> page, Map<String, Object> totals) {
    }

    private Sorted sorted(QueueCounts.Snapshot queues, Map<String, Long> dead) {
        Sorted s = sorted;
        if (s != null && s.queues() == queues && s.dead() == dead && StatusPage.ageMs(s.at()) < ROWS_EVERY_MS) {
            return s;
        }
        long at = System.nanoTime();
        Map<String, long[]> counts = queues.counts(); // ready, unacked, acked, consumers
        Map<String, Double> rates = queues.rates();
        List<Map<String, Object>> rows = new ArrayList<>();
        long[] sum = new long[6]; // backlog, in flight, done, consumers, dead, open
        double rate = 0;
        for (StreamInfo info : store.streams(true)) {
            long[] c = counts.getOrDefault(info.id(), new long[4]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stream", info.id());
            row.put("state", info.state().name().toLowerCase(Locale.ROOT));
            row.put("backlog", c[0]);
            row.put("inFlight", c[1]);
            row.put("done", c[2]);
            row.put("consumers", c[3]);
            double r = rates.getOrDefault(info.id(), 0.0);
            row.put("rate", r);
            long d = dead.getOrDefault(info.id(), 0L);
            row.put("dead", d);
            row.put("properties", info.properties().toMap());
            rows.add(row);
            sum[0] += c[0];
            sum[1] += c[1];
            sum[2] += c[2];
            sum[3] += c[3];
            sum[4] += d;
            sum[5] += info.state() == StreamInfo.State.OPEN ? 1 : 0;
            rate += r;
        }
        rows.sort(BUSIEST_FIRST);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("streams", rows.size());
        totals.put("open", sum[5]);
        totals.put("backlog", sum[0]);
        totals.put("inFlight", sum[1]);
        totals.put("done", sum[2]);
        totals.put("rate", rate);
        totals.put("dead", sum[4]);
        totals.put("consumers", sum[3]);
        Sorted made = new Sorted(at, queues, dead, List.copyOf(rows), totals);
        sorted = made;
        return made;
    }

    static final Comparator<Map<String, Object>> BUSIEST_FIRST = Comparator
            .<Map<String, Object>>comparingLong(r -> (Long) r.get("backlog")).reversed()
            .thenComparing(Comparator.<Map<String, Object>>comparingLong(r -> (Long) r.get("inFlight")).reversed())
            .thenComparing(r -> (String) r.get("stream"));
}
