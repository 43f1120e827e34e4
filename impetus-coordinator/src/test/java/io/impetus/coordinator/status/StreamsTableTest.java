package io.impetus.coordinator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streams table: the busiest first, totals over all, a page of it, a filter by name. */
class StreamsTableTest {
    @TempDir
    Path dir;

    @Test
    void theBusiestStreamsComeFirstWithTotalsOverAllOfThem() {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            save(store, "alpha", StreamInfo.State.OPEN);
            save(store, "Beta", StreamInfo.State.OPEN);
            save(store, "gamma", StreamInfo.State.OPEN);
            save(store, "idle", StreamInfo.State.CLOSED);
            StreamsTable table = new StreamsTable(store);
            QueueCounts.Snapshot queues = snapshot(Map.of("alpha", new long[] {1, 0, 4, 1}, "Beta",
                    new long[] {5, 0, 1, 1}, "gamma", new long[] {5, 2, 0, 2}));

            StreamsTable.Window all = table.window(queues, Map.of("alpha", 3L), 0, null, null);
            assertThat(names(all)).containsExactly("gamma", "Beta", "alpha", "idle"); // backlog, then in flight, then name
            assertThat(all.totals()).containsEntry("streams", 4).containsEntry("open", 3L).containsEntry("backlog", 11L)
                    .containsEntry("inFlight", 2L).containsEntry("done", 5L).containsEntry("dead", 3L)
                    .containsEntry("consumers", 4L);
            assertThat(all.rows().get(2)).containsEntry("dead", 3L).containsEntry("state", "open");
            assertThat(all.rows().get(3)).containsEntry("state", "closed");

            StreamsTable.Window second = table.window(queues, Map.of("alpha", 3L), 1, 2, "");
            assertThat(names(second)).containsExactly("Beta", "alpha");
            assertThat(second.page()).containsEntry("total", 4).containsEntry("matched", 4).containsEntry("offset", 1)
                    .containsEntry("limit", 2);
            assertThat(second.totals()).as("the totals are over every stream, not the page")
                    .containsEntry("backlog", 11L);

            StreamsTable.Window filtered = table.window(queues, Map.of(), 0, 10, " A ");
            assertThat(names(filtered)).as("name contains 'a', any case").containsExactly("gamma", "Beta", "alpha");
            assertThat(filtered.page()).containsEntry("matched", 3).containsEntry("filter", "a");

            StreamsTable.Window beyond = table.window(queues, Map.of(), 50, 10, "beta");
            assertThat(beyond.rows()).isEmpty();
            assertThat(beyond.page()).as("an offset past the end is cut to it").containsEntry("offset", 1)
                    .containsEntry("matched", 1);
        }
    }

    @Test
    void aNewSampleShowsNewStreamsAndCounts() {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            save(store, "a", StreamInfo.State.OPEN);
            StreamsTable table = new StreamsTable(store);
            QueueCounts.Snapshot first = snapshot(Map.of("a", new long[] {1, 0, 0, 0}));
            assertThat(names(table.window(first, Map.of(), 0, null, null))).containsExactly("a");
            save(store, "b", StreamInfo.State.OPEN);
            assertThat(names(table.window(first, Map.of(), 0, null, null))).as("the same sample: the rows made for it")
                    .containsExactly("a");
            QueueCounts.Snapshot next = snapshot(Map.of("a", new long[] {1, 0, 0, 0}, "b", new long[] {9, 0, 0, 0}));
            assertThat(names(table.window(next, Map.of(), 0, null, null))).containsExactly("b", "a");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiStatusServesThePageOfStreamsItIsAskedFor() {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            for (int i = 0; i < 12; i++) {
                save(store, "s" + i, StreamInfo.State.OPEN);
            }
            StatusPage page = new StatusPage(store, new NodeRegistry(Clock.systemUTC()), null,
                    new DeadLetters(new FakeBroker(), Topology.DEFAULT), Topology.DEFAULT, null, Clock.systemUTC(),
                    () -> true, Optional::empty);
            Map<String, Object> all = page.status(Map.of());
            assertThat((List<Object>) all.get("streams")).as("without a limit: every stream").hasSize(12);
            Map<String, Object> some = page.status(Map.of("offset", "2", "limit", "5", "filter", "s1"));
            assertThat((List<Map<String, Object>>) some.get("streams")).extracting(r -> r.get("stream"))
                    .containsExactly("s11"); // s1, s10, s11 match; by name, as no stream has a backlog
            assertThat((Map<String, Object>) some.get("streamPage")).containsEntry("matched", 3).containsEntry("offset", 2);
            Map<String, Object> bad = page.status(Map.of("offset", "-4", "limit", "many"));
            assertThat((List<Object>) bad.get("streams")).as("bad numbers: from the start, a page of "
                    + StreamsTable.PAGE).hasSize(12);
            assertThat((Map<String, Object>) bad.get("streamTotals")).containsEntry("streams", 12);
        }
    }

    private static void save(CoordinatorStore store, String id, StreamInfo.State state) {
        store.saveStream(new StreamInfo(id, StreamProperties.DEFAULTS, state, Instant.now(), null));
    }

    private static QueueCounts.Snapshot snapshot(Map<String, long[]> counts) {
        return new QueueCounts.Snapshot(0, System.nanoTime(), counts, Map.of(), 0, 0);
    }

    private static List<String> names(StreamsTable.Window w) {
        return w.rows().stream().map(r -> (String) r.get("stream")).toList();
    }
}
