package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.testkit.TestBroker;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaler with the local provider and real node processes: a backlog starts nodes within an
 * interval, every job completes, a killed node is replaced, and idle nodes are drained and
 * stopped with no job interrupted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ScalerIT {

    @Test
    void scalesOutOnABacklogReplacesAKilledNodeAndScalesInWhenIdle(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("scaler")) {
            cluster.startCoordinator();
            Map<String, String> env = new HashMap<>(cluster.env);
            Daemon scaler = Daemon.impetus(cluster.prefix + "-scaler", env, "scaler", "foreground", "--insecure-http", "--provider", "local",
                    "--min-nodes", "0", "-n", "3", "-m", "2", "--interval", "1", "--cooldown", "2", "--hysteresis", "2",
                    "--idle-time", "4", "-d", "127.0.0.1", "-o", "0", "-u", "status-key",
                    "--node-logdir", dir.resolve("nodes").toString());
            try (scaler; Impetus impetus = Impetus.connect(cluster.settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> scaler.log().contains("scaler started"));
                Impetus.Stream stream = impetus.stream("burst", Map.of());
                long forkedAt = System.nanoTime();
                List<CompletableFuture<Long>> jobs = new ArrayList<>();
                for (int i = 0; i < 240; i++) {
                    jobs.add(stream.fork(Jobs::sleep, 250L));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> scaler.log().contains("launched node"));
                await().atMost(Duration.ofSeconds(60)).until(() -> nodes(cluster).size() >= 1);
                double firstNodeSeconds = (System.nanoTime() - forkedAt) / 1e9;
                System.out.printf("ScalerIT: first node reporting %.1f s after the backlog%n", firstNodeSeconds);

                // kill one node mid-run: its jobs are redelivered and a node takes its place
                await().atMost(Duration.ofSeconds(60)).until(() -> nodes(cluster).size() >= 2);
                long victim = nodes(cluster).get(0).pid();
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
                await().atMost(Duration.ofSeconds(30)).until(() -> scaler.log().contains("is gone"));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        scaler.log().lines().filter(l -> l.contains("launched node")).count() >= 4);

                CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                assertThat(jobs).allSatisfy(f -> assertThat(f.get()).isEqualTo(250L));
                assertThat(scaler.log()).contains("decision: nodes");

                // quiet: every node is drained and stopped by the scaler
                await().atMost(Duration.ofSeconds(90)).until(() -> nodes(cluster).isEmpty()
                        && scaler.log().contains("has drained (no running job); terminating it"));
                assertThat(scaler.log()).contains("asked node");
            }
            assertThat(scaler.log()).contains("scaler stopped");
            String log = scaler.log();
            System.out.println("ScalerIT decisions:");
            log.lines().filter(l -> l.contains("decision:") || l.contains("launched node") || l.contains("drain"))
                    .forEach(l -> System.out.println("  " + l));
        }
    }

    @Test
    void theStatusEndpointWantsTheAuthkeyAndShowsDecisionsAndMetrics() throws Exception {
        try (Cluster cluster = new Cluster("scaler-http")) {
            cluster.startCoordinator();
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            try (Daemon scaler = Daemon.impetus(cluster.prefix + "-scaler", cluster.env, "dfs", "foreground",
                    "--provider", "none", "--interval", "1", "-d", "127.0.0.1", "-o", String.valueOf(port),
                    "-u", "status-key")) {
                await().atMost(Duration.ofSeconds(60)).until(() -> scaler.log().contains("scaler started"));
                HttpClient http = HttpClient.newHttpClient();
                URI status = URI.create("http://127.0.0.1:" + port + "/status");
                assertThat(http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode()).isEqualTo(401);
                String brokerPassword = "Basic " + Base64.getEncoder().encodeToString("impetus:impetus".getBytes(StandardCharsets.UTF_8));
                assertThat(http.send(HttpRequest.newBuilder(status).header("Authorization", brokerPassword).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as("the broker password is no key").isEqualTo(401);
                String otherUser = "Basic " + Base64.getEncoder().encodeToString("admin:status-key".getBytes(StandardCharsets.UTF_8));
                assertThat(http.send(HttpRequest.newBuilder(status).header("Authorization", otherUser).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as("the user is impetus").isEqualTo(401);
                String auth = "Basic " + Base64.getEncoder().encodeToString("impetus:status-key".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(status)
                        .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString()).body()
                        .contains("\"decisions\":[{"));
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("# TYPE impetus_scaler_nodes gauge", "impetus_scaler_waiting_jobs{role=\"scaler\"} 0",
                        "impetus_scaler_nodes{role=\"scaler\",state=\"draining\"} 0", "jvm_memory_used_bytes");
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        Launcher.run(cluster.env, "status").out().contains("scaler:      provider none, nodes 0..3"));
            }
        }
    }

    @Test
    void aMissingManagementApiIsOneClearLine() throws Exception {
        Launcher.Result r = Launcher.run(Map.of(), "scaler", "foreground", "-u", "k", "--uri", TestBroker.get().amqpUri(),
                "--management-uri", "http://127.0.0.1:1", "-o", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the RabbitMQ management API at http://127.0.0.1:1");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aScalerWithoutAnEndpointKeyRefusesToStartInOneLine() throws Exception {
        Launcher.Result r = Launcher.run(Map.of(), "scaler", "foreground", "--uri", TestBroker.get().amqpUri(), "-o", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("needs its own key", "--insecure-http");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    private static List<NodeStatus> nodes(Cluster cluster) {
        return List.of(cluster.control().call(new ControlRequest.ListNodes(), NodeStatus[].class));
    }
}
