package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.client.Impetus;
import io.impetus.core.codec.Json;
import io.impetus.dist.fixtures.Jobs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** impetus streams, nodes, status and watch against a running installation. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StatusViewsIT {

    @Test
    void streamsNodesStatusAndWatchShowWhatIsGoingOn() throws Exception {
        try (Cluster cluster = new Cluster("views")) {
            cluster.startCoordinator();
            cluster.startNode(3);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("seen", Map.of("maxAttempts", 2, "crawl", "example.org"));
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");

                Daemon watch = Daemon.impetus(cluster.prefix + "-watch", cluster.env, "watch", "seen", "--interval",
                        "0.5", "--until-done");
                await().atMost(Duration.ofSeconds(30)).until(() -> watch.log().contains("watching stream seen"));
                List<CompletableFuture<?>> jobs = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    jobs.add(stream.fork(Jobs::sleep, 20L));
                }
                jobs.add(stream.fork(Jobs::exit, 1).exceptionally(e -> null));
                CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                assertThat(watch.await(60)).as(watch.log()).isZero();
                assertThat(watch.log()).contains("40 done, 1 errors").containsPattern("\\[[#-]{30}\\] done \\d+");
            }

            JsonNode streams = json(Launcher.run(cluster.env, "streams", "--json"));
            assertThat(streams).hasSize(1);
            assertThat(streams.get(0).get("stream").asText()).isEqualTo("seen");
            assertThat(streams.get(0).get("state").asText()).isEqualTo("open");
            assertThat(streams.get(0).get("properties").get("crawl").asText()).isEqualTo("example.org");

            JsonNode nodes = json(Launcher.run(cluster.env, "nodes", "--json"));
            assertThat(nodes).hasSize(1);
            assertThat(nodes.get(0).get("mpps").asInt()).isEqualTo(3);
            assertThat(nodes.get(0).get("streams").has("seen")).isTrue();

            Launcher.Result status = Launcher.run(cluster.env, "status");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("broker:      RabbitMQ", "coordinator: answering", "seen", "NODE");
        }
    }

    private static JsonNode json(Launcher.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.mapper().readTree(r.out().getBytes(StandardCharsets.UTF_8));
    }
}
