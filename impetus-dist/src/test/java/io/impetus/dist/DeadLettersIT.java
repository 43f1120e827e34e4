package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.client.Impetus;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.dist.fixtures.Jobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus dead}: a job that failed for good is listed with its reason and shown decoded;
 * replayed once what broke it is fixed, it runs again (a new job, attempts reset); another is
 * discarded; nothing else in the queue moves.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DeadLettersIT {

    private static JsonNode json(Launcher.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Json.read(r.out().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    @Test
    void aDeadJobIsListedShownReplayedAndAnotherDiscarded(@TempDir Path tmp) throws Exception {
        try (Cluster cluster = new Cluster("dead")) {
            cluster.startCoordinator();
            cluster.startNode(1);
            Path marks = tmp.resolve("marks.txt");
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("d", Map.of("maxAttempts", 1));
                CompletableFuture<String> first = stream.fork(Jobs::flaky, marks + "|first");
                CompletableFuture<String> second = stream.fork(Jobs::flaky, marks + "|second");
                assertThat(first).failsWithin(Duration.ofSeconds(90));
                assertThat(second).failsWithin(Duration.ofSeconds(90));
            }
            JsonNode list = await().atMost(Duration.ofSeconds(30)).until(
                    () -> json(Launcher.run(cluster.env, "dead", "--stream", "d", "--json")), l -> l.size() == 2);
            assertThat(list.get(0).path("reason").asText()).contains("died");
            assertThat(list.get(0).path("name").asText()).isEqualTo("flaky");
            assertThat(list.get(0).path("time").isNull()).isFalse();
            String firstId = list.get(0).path("id").asText();
            String secondId = list.get(1).path("id").asText();
            assertThat(Launcher.run(cluster.env, "dead").out()).contains(firstId, secondId, "REASON");

            JsonNode shown = json(Launcher.run(cluster.env, "dead", "show", firstId, "--json"));
            assertThat(shown.path("job").path("args").asText()).isEqualTo(marks + "|first");

            Files.writeString(Path.of(marks + ".ok"), "fixed");
            Launcher.Result replay = Launcher.run(cluster.env, "dead", "replay", firstId);
            assertThat(replay.exitCode()).as(replay.toString()).isZero();
            assertThat(replay.out()).contains("replayed 1");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marks)
                    && Files.readAllLines(marks).contains("first"));

            // a forged (unsigned) job is dead-lettered by the node and never gets the installation's signature by replay
            JobEnvelope forged = JobEnvelope.builder().id("forged-1").stream("d")
                    .client("mallory").name("echo").function(Jobs.class.getName() + "#echo").code("0".repeat(64))
                    .args(Json.tree("pwned")).build();
            cluster.broker().publish(OutboundMessage.toQueue(cluster.settings.topology().jobsQueue("d"))
                    .body(Json.write(forged)).messageId(forged.id()).type("waiting").build()).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> json(Launcher.run(cluster.env, "dead", "--stream", "d",
                    "--json")).findValues("id").stream().anyMatch(n -> n.asText().equals("forged-1")));
            Launcher.Result refused = Launcher.run(cluster.env, "dead", "replay", "forged-1");
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.out()).contains("replayed 0");
            assertThat(Launcher.run(cluster.env, "dead", "discard", "forged-1").out()).contains("discarded 1");

            Launcher.Result discard = Launcher.run(cluster.env, "dead", "discard", "--stream", "d", "--all");
            assertThat(discard.out()).as(discard.toString()).contains("discarded 1");
            assertThat(json(Launcher.run(cluster.env, "dead", "--stream", "d", "--json"))).isEmpty();
            assertThat(Files.readAllLines(marks)).containsExactly("first");
            Launcher.Result none = Launcher.run(cluster.env, "dead", "replay", secondId);
            assertThat(none.exitCode()).as("gone").isEqualTo(1);
        }
    }
}
