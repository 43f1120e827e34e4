package io.impetus.coordinator.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.codec.Json;
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
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark print, not a timed assertion: {@code /api/status} with 1,000 streams (an H2 store), 2,000
 * queues from a local stand-in for the management API and 10,000 dead letters (a {@link FakeBroker}), each
 * part timed. Run with {@code -Dimpetus.bench.status=true -Dtest=StatusPageLoadBench}.
 */
@EnabledIfSystemProperty(named = "impetus.bench.status", matches = "true")
class StatusPageLoadBench {
    static final int STREAMS = 1000;
    static final int DEAD = 10_000;

    @TempDir
    Path dir;

    @Test
    void timesTheStatusOf1000StreamsAnd10000DeadLetters() throws Exception {
        Topology topology = Topology.DEFAULT;
        StringBuilder queues = new StringBuilder("[");
        for (int i = 0; i < STREAMS; i++) {
            String s = "s" + i;
            queues.append(i == 0 ? "" : ",").append("{\"name\":\"").append(topology.jobsQueue(s))
                    .append("\",\"messages_ready\":3,\"messages_unacknowledged\":1,\"consumers\":2,\"message_stats\":"
                            + "{\"ack\":10,\"ack_details\":{\"rate\":0.5},\"publish_details\":{\"rate\":0.5},"
                            + "\"deliver_get_details\":{\"rate\":0.5}}}");
            queues.append(",{\"name\":\"").append(topology.resultsQueue(s, "c1"))
                    .append("\",\"messages_ready\":0,\"messages_unacknowledged\":0,\"consumers\":1}");
        }
        byte[] body = queues.append("]").toString().getBytes(StandardCharsets.UTF_8);
        int[] managementCalls = {0};
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            byte[] answer = x.getRequestURI().getPath().startsWith("/api/queues") ? body : "{\"status\":\"ok\"}".getBytes();
            if (x.getRequestURI().getPath().startsWith("/api/queues")) {
                managementCalls[0]++;
            }
            x.sendResponseHeaders(200, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        server.start();
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            for (int i = 0; i < STREAMS; i++) {
                store.saveStream(new StreamInfo("s" + i, StreamProperties.DEFAULTS, StreamInfo.State.OPEN, Instant.now(),
                        null));
            }
            FakeBroker broker = new FakeBroker();
            broker.declareQueue(QueueSpec.durable(topology.deadQueue()));
            for (int i = 0; i < DEAD; i++) {
                byte[] letter = ("{\"id\":\"j" + i + "\",\"stream\":\"s" + (i % STREAMS) + "\",\"name\":\"f\"}")
                        .getBytes(StandardCharsets.UTF_8);
                broker.hold(topology.deadQueue(), new InboundMessage("", "", letter, null, Map.of(), 0, null, null,
                        "j" + i, null, false, null));
            }
            ManagementClient management = new ManagementClient(new ConnectionSettings("127.0.0.1", 5672, "u", "p", "/",
                    false, URI.create("http://127.0.0.1:" + server.getAddress().getPort()), topology));
            DeadLetters dead = new DeadLetters(broker, topology);
            StatusPage page = new StatusPage(store, new NodeRegistry(Clock.systemUTC()), management, dead, topology, null,
                    Clock.systemUTC(), () -> true, Optional::empty);
            page.sample();
            for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
                time("management /api/queues (local stand-in)", () -> management.queues(topology.prefix() + ".stream.").size());
                time("store.streams(true)", () -> store.streams(true).size());
                time("dead.count()", dead::count);
                time("dead.list(page of 50)", () -> dead.list(null, 0, StatusPage.DEAD_PAGE).size());
                int before = managementCalls[0];
                Map<String, Object> status = time("status() (the map)", () -> page.status(Map.of()));
                String json = new String(time("Json.write(status)", () -> Json.write(status)), StandardCharsets.UTF_8);
                System.out.printf("BENCH  (%d bytes, %d management calls in status())%n", json.length(),
                        managementCalls[0] - before);
                long t = System.nanoTime();
                int n = 20;
                for (int i = 0; i < n; i++) {
                    page.statusJson(Map.of());
                }
                System.out.printf("BENCH round %d: /api/status handler mean %.1f ms over %d%n", round,
                        (System.nanoTime() - t) / 1e6 / n, n);
                t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Json.write(page.status(Map.of()));
                }
                System.out.printf("BENCH round %d: status() + Json.write (the body never cached; the sorted rows once"
                        + " per sample), mean %.1f ms over %d%n", round,
                        (System.nanoTime() - t) / 1e6 / n, n);
                Map<String, String> pageQuery = Map.of("offset", "0", "limit", String.valueOf(StreamsTable.PAGE));
                t = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Json.write(page.status(pageQuery));
                }
                System.out.printf("BENCH round %d: the page's request (a page of %d streams), status() + Json.write, never"
                        + " cached, mean %.1f ms over %d%n", round, StreamsTable.PAGE, (System.nanoTime() - t) / 1e6 / n, n);
                assertThat(json).contains("\"s999\"");
            }
        } finally {
            server.stop(0);
        }
    }

    private static <T> T time(String what, Supplier<T> part) {
        long t = System.nanoTime();
        T out = part.get();
        System.out.printf("BENCH %-45s %8.2f ms%n", what, (System.nanoTime() - t) / 1e6);
        return out;
    }
}
