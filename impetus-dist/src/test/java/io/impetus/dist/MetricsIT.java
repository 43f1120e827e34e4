package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.dist.fixtures.Jobs;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator and a node serve Micrometer's Prometheus text at {@code /metrics} on
 * {@code --http-port}, behind basic auth (user impetus, the endpoint's key): scraped and parsed
 * while jobs run, and refused without the key.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsIT {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$");
    private final HttpClient http = HttpClient.newHttpClient();

    /** One sample of the Prometheus text format. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                for (String pair : m.group(3).split(",(?=[a-zA-Z_]+=)")) {
                    int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    static double sum(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).mapToDouble(Sample::value).sum();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (auth != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCoordinatorAndANodeServeTheirMetricsToTheKeyOnly() throws Exception {
        try (Cluster cluster = new Cluster("metrics")) {
            cluster.env.put("IMPETUS_HTTP_KEY", "metrics-key");
            int coordinatorPort = freePort();
            int nodePort = freePort();
            cluster.startCoordinator("--http-port", String.valueOf(coordinatorPort));
            cluster.env.put("IMPETUS_HTTP_PORT", String.valueOf(nodePort)); // the environment works as the option does
            cluster.startNode(2);
            cluster.env.remove("IMPETUS_HTTP_PORT");
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("m", Map.of("maxAttempts", 1));
                List<CompletableFuture<String>> all = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    all.add(stream.fork(Jobs::echo, "x" + i));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                assertThat(stream.fork(Jobs::exit, 3)).failsWithin(Duration.ofSeconds(60)); // its worker dies: dead
            }
            assertThat(get(nodePort, null).statusCode()).isEqualTo(401);
            assertThat(get(nodePort, "impetus:wrong").statusCode()).isEqualTo(401);
            assertThat(get(nodePort, "admin:metrics-key").statusCode()).as("the user is impetus").isEqualTo(401);
            assertThat(get(coordinatorPort, "impetus:impetus").statusCode()).as("not the broker password").isEqualTo(401);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> node = get(nodePort, "impetus:metrics-key");
                assertThat(node.statusCode()).isEqualTo(200);
                assertThat(node.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
                List<Sample> n = parse(node.body());
                assertThat(sum(n, "impetus_jobs_total", Map.of("stream", "m", "outcome", "ready", "role", "node")))
                        .isEqualTo(50);
                assertThat(sum(n, "impetus_jobs_total", Map.of("stream", "m", "outcome", "dead"))).isEqualTo(1);
                assertThat(sum(n, "impetus_dead_letters_total", Map.of("reason", "worker process died"))).isEqualTo(1);
                assertThat(sum(n, "impetus_job_duration_seconds_count", Map.of("stream", "m"))).isGreaterThanOrEqualTo(50);
                assertThat(n).anyMatch(s -> s.name().equals("impetus_job_duration_seconds_bucket"));
                assertThat(n).anyMatch(s -> s.name().equals("impetus_workers") && s.labels().get("state").equals("idle"));
                assertThat(n).anyMatch(s -> s.name().equals("impetus_jobs_in_flight"));
                assertThat(sum(n, "jvm_memory_used_bytes", Map.of())).isPositive();
                assertThat(n).anyMatch(s -> s.name().startsWith("process_cpu"));
            });
            List<Sample> c = parse(get(coordinatorPort, "impetus:metrics-key").body());
            assertThat(sum(c, "impetus_control_requests_total", Map.of("type", "create_stream", "outcome", "ok",
                    "role", "coordinator"))).isGreaterThanOrEqualTo(1);
            assertThat(sum(c, "impetus_streams", Map.of("state", "open"))).isEqualTo(1);
            assertThat(sum(c, "impetus_coordinator_active", Map.of())).isEqualTo(1);
        }
    }
}
