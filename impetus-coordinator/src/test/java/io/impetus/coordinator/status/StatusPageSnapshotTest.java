package io.impetus.coordinator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/status} serves the last sample's queue counts and reads the dead page only when it changed. */
class StatusPageSnapshotTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void aRequestServesTheSampledCountsWithoutCallingTheManagementApi() throws Exception {
        Topology topology = Topology.DEFAULT;
        AtomicInteger calls = new AtomicInteger();
        AtomicLong ready = new AtomicLong(7);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] answer;
            if (x.getRequestURI().getPath().startsWith("/api/queues")) {
                calls.incrementAndGet();
                answer = ("[{\"name\":\"" + topology.jobsQueue("a") + "\",\"messages_ready\":" + ready.get()
                        + ",\"messages_unacknowledged\":2,\"consumers\":1,\"message_stats\":{\"ack\":5}}]")
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                answer = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            }
            x.sendResponseHeaders(200, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        server.start();
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            store.saveStream(new StreamInfo("a", StreamProperties.DEFAULTS, StreamInfo.State.OPEN, Instant.now(), null));
            FakeBroker broker = new FakeBroker();
            broker.declareQueue(QueueSpec.durable(topology.deadQueue()));
            broker.hold(topology.deadQueue(), letter("j1"));
            ManagementClient management = new ManagementClient(new ConnectionSettings("127.0.0.1", 5672, "u", "p", "/",
                    false, URI.create("http://127.0.0.1:" + server.getAddress().getPort()), topology));
            StatusPage page = new StatusPage(store, new NodeRegistry(Clock.systemUTC()), management,
                    new DeadLetters(broker, topology), topology, null, Clock.systemUTC(), () -> true, Optional::empty);

            Map<String, Object> first = page.status(Map.of());
            assertThat(calls.get()).as("no sample yet: the request takes one").isEqualTo(1);
            assertThat(row(first)).containsEntry("backlog", 7L).containsEntry("inFlight", 2L).containsEntry("done", 5L);
            ready.set(9);
            Map<String, Object> second = page.status(Map.of());
            assertThat(calls.get()).as("the next request serves that sample").isEqualTo(1);
            assertThat(row(second)).containsEntry("backlog", 7L);
            page.sample();
            assertThat(calls.get()).isEqualTo(2);
            assertThat(row(page.status(Map.of()))).as("the new sample's counts").containsEntry("backlog", 9L);
            assertThat(calls.get()).isEqualTo(2);

            assertThat(deadPage(second)).hasSize(1);
            broker.hold(topology.deadQueue(), letter("j2"));
            Map<String, Object> third = page.status(Map.of());
            assertThat(((Map<String, Object>) third.get("dead")).get("total")).isEqualTo(2L);
            assertThat(deadPage(third)).as("a new letter: the page is read again").hasSize(2);
        } finally {
            server.stop(0);
        }
    }

    private static InboundMessage letter(String id) {
        byte[] body = ("{\"id\":\"" + id + "\",\"stream\":\"a\",\"name\":\"f\"}").getBytes(StandardCharsets.UTF_8);
        return new InboundMessage("", "", body, null, Map.of(), 0, null, null, id, null, false, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> row(Map<String, Object> status) {
        return ((List<Map<String, Object>>) status.get("streams")).get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> deadPage(Map<String, Object> status) {
        return (List<Object>) ((Map<String, Object>) status.get("dead")).get("page");
    }
}
