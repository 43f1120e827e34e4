package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.dist.fixtures.Resumable;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client program killed with SIGKILL mid-run and run again with its id, on the real broker with a
 * real coordinator and node: the rerun resumes — each job's result reaches the stage once across
 * both runs, the task file has one line a job, and the rerun sends no job the first run had sent.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClientRerunIT {
    private static final int JOBS = 400;

    @Test
    void aClientKilledMidRunAndRunAgainWithItsIdResumesExactlyOnce(@TempDir Path tasks) throws Exception {
        try (Cluster cluster = new Cluster("rerun")) {
            cluster.startCoordinator();
            cluster.startNode(4);
            Map<String, String> env = new HashMap<>(cluster.env);
            env.put("RESUMABLE_JOBS", String.valueOf(JOBS));
            String id = "rerun-" + cluster.prefix.substring(cluster.prefix.length() - 6);
            String[] args = {"--id", id, "--taskdir", tasks.toString()};
            Path received = tasks.resolve("received.log");
            Path journal = tasks.resolve(id).resolve("forks.sent");

            Daemon first = Daemon.testClass(cluster.prefix + "-client1", Resumable.class, env, args);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lines(received).size() >= 150);
            first.kill(); // SIGKILL, mid-run
            // its results queue stays for the rerun, and goes by itself after 7 days unused
            assertThat(queueArguments(cluster.settings.topology().resultsQueue(id, id))).contains("\"x-expires\":604800000");
            int receivedBefore = lines(received).size();
            int sentBefore = lines(journal).size();
            int fileBefore = lines(tasks.resolve(id).resolve("results.ok")).size();

            Daemon second = Daemon.testClass(cluster.prefix + "-client2", Resumable.class, env, args);
            assertThat(second.await(180)).as(second.log()).isZero();

            List<String> all = lines(received);
            int sentByRerun = lines(journal).size() - sentBefore;
            System.out.printf("ClientRerunIT: killed after %d results reached the stage (%d in the task file, %d jobs"
                            + " confirmed sent); the rerun sent %d jobs; the stage got %d results in all, %d distinct;"
                            + " task file %d lines%n", receivedBefore, fileBefore, sentBefore, sentByRerun, all.size(),
                    all.stream().distinct().count(), lines(tasks.resolve(id).resolve("results.ok")).size());
            assertThat(all.stream().distinct()).hasSize(JOBS);
            assertThat(all).as("results the stage got across both runs").hasSize(JOBS);
            assertThat(lines(tasks.resolve(id).resolve("results.ok"))).hasSize(JOBS);
            assertThat(sentBefore + sentByRerun).as("jobs sent across both runs").isLessThanOrEqualTo(JOBS + 10);
        }
    }

    private static String queueArguments(String queue) throws Exception {
        URI amqp = URI.create(TestBroker.get().amqpUri());
        String[] user = amqp.getRawUserInfo().split(":", 2);
        String vhost = amqp.getRawPath().length() <= 1 ? "/" : amqp.getRawPath().substring(1);
        String base = TestBroker.get().managementUri() != null ? TestBroker.get().managementUri()
                : "http://" + amqp.getHost() + ":15672";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/queues/"
                        + URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "/" + URLEncoder.encode(queue, StandardCharsets.UTF_8)))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user[0] + ":" + user[1]).getBytes(StandardCharsets.UTF_8))).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body().replace(" ", "");
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.isRegularFile(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }
}
