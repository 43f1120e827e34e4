package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.dist.fixtures.Snoop;
import io.impetus.testkit.TestBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What job code and other local users can see of a node's secrets. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecurityIT {

    @Test
    void aNodeStartedWithAPasswordShowsItNowhereAJobOrPsCanRead(@TempDir Path dir) throws Exception {
        String user = TestBroker.uniqueName("it-secret");
        String password = "pw-" + UUID.randomUUID();
        Management mgmt = new Management();
        mgmt.put("/api/users/" + user, "{\"password\":\"" + password + "\",\"tags\":\"\"}");
        mgmt.put("/api/permissions/" + mgmt.vhostPath() + "/" + user, "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
        try (Cluster cluster = new Cluster("secret")) {
            cluster.startCoordinator();
            URI test = URI.create(TestBroker.get().amqpUri());
            String uri = "amqp://" + user + ":" + password + "@" + test.getHost() + ":" + test.getPort() + test.getRawPath();
            Map<String, String> env = new HashMap<>(cluster.env);
            env.remove("IMPETUS_RABBITMQ_URI");
            Path run = dir.resolve("run");
            Daemon start = Daemon.impetus(cluster.prefix + "-node-start", env, "node", "start", "--uri", uri, "-m", "1",
                    "-i", run.toString(), "-l", dir.resolve("log").toString());
            assertThat(start.await(90)).as(start.log()).isZero();
            long pid = Long.parseLong(Files.readString(run.resolve("Node.pid")).trim());
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> cluster.control().call(
                        new ControlRequest.ListNodes(), NodeStatus[].class).length == 1);
                // what ps and /proc show of the node
                assertThat(read("/proc/" + pid + "/cmdline")).doesNotContain(password);
                assertThat(read("/proc/" + pid + "/environ")).doesNotContain(password);
                assertThat(Files.list(run).map(p -> p.getFileName().toString())).as("the secrets file is gone")
                        .noneMatch(n -> n.endsWith(".secrets"));

                try (Impetus impetus = Impetus.connect(cluster.settings)) {
                    List<String> found = impetus.stream("snoop", Map.of()).fork(Snoop::look, password)
                            .get(90, TimeUnit.SECONDS);
                    assertThat(found).as("where a job found the broker password").hasSize(1);
                }
            } finally {
                Daemon stop = Daemon.impetus(cluster.prefix + "-node-stop", env, "node", "stop", "-i", run.toString());
                stop.await(90);
            }
        } finally {
            mgmt.delete("/api/users/" + user);
        }
    }

    private static String read(String file) throws Exception {
        return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
    }

    /** The management API as the test broker's user. */
    static final class Management {
        private final HttpClient http = HttpClient.newHttpClient();
        private final String base;
        private final String auth;
        private final String vhost;

        Management() {
            URI amqp = URI.create(TestBroker.get().amqpUri());
            String[] u = amqp.getRawUserInfo().split(":", 2);
            vhost = amqp.getRawPath() == null || amqp.getRawPath().length() <= 1 ? "/" : amqp.getRawPath().substring(1);
            base = TestBroker.get().managementUri() != null ? TestBroker.get().managementUri()
                    : "http://" + amqp.getHost() + ":15672";
            auth = "Basic " + Base64.getEncoder().encodeToString((u[0] + ":" + u[1]).getBytes(StandardCharsets.UTF_8));
        }

        String vhostPath() {
            return URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        }

        void put(String path, String json) throws Exception {
            int code = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                    .header("content-type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(code).as("PUT " + path).isBetween(200, 299);
        }

        void delete(String path) throws Exception {
            http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }
}
