package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.Impetus;
import io.impetus.core.codec.TaskFileLine;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.dist.fixtures.Squares;
import io.impetus.dist.fixtures.ThrowingStage;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Processes that come and go: nodes started late, a coordinator restarted. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LifecycleIT {

    @Test
    void jobsForkedBeforeAnyNodeExistsRunWhenANodeStarts() throws Exception {
        try (Cluster cluster = new Cluster("late-node")) {
            cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("early", Map.of());
                List<CompletableFuture<Long>> results = new ArrayList<>();
                for (long i = 0; i < 10; i++) {
                    results.add(stream.fork(Squares::square, i));
                }
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                        .until(() -> results.stream().noneMatch(CompletableFuture::isDone));
                assertThat(cluster.broker().inspect(cluster.settings.topology().jobsQueue("early")).orElseThrow().ready())
                        .isEqualTo(10);

                cluster.startNode(2);
                CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    assertThat(results.get(i).get()).isEqualTo((long) i * i);
                }
            }
        }
    }

    @Test
    void aCoordinatorRestartedBetweenTwoClientsStillServesTheFirstStream() throws Exception {
        try (Cluster cluster = new Cluster("restart")) {
            Daemon first = cluster.startCoordinator();
            try (Impetus one = Impetus.connect(cluster.settings)) {
                one.stream("kept", Map.of("frequency", 0.01, "owner", "first"));
            }
            first.close();
            assertThat(first.isAlive()).isFalse();

            cluster.startCoordinator();
            StreamInfo kept = cluster.control().call(new ControlRequest.GetStream("kept"), StreamInfo.class);
            assertThat(kept.isOpen()).isTrue();
            assertThat(kept.properties().frequency()).isEqualTo(0.01);
            assertThat(kept.properties().metadata()).containsEntry("owner", "first");

            cluster.startNode(2);
            try (Impetus two = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = two.stream("kept", Map.of());
                assertThat(stream.fork(Squares::square, 12L).get(90, TimeUnit.SECONDS)).isEqualTo(144L);
            }
        }
    }

    @Test
    void aClientRestartedWithItsIdReceivesTheResultsThatArrivedWhileItWasAway(@TempDir Path tasks) throws Exception {
        try (Cluster cluster = new Cluster("away")) {
            cluster.startCoordinator();
            String id = TestBroker.uniqueName("away-client");
            Daemon away = Daemon.testClass(cluster.prefix + "-away-client", Squares.class, cluster.env,
                    "--id", id, "--taskdir", tasks.toString());
            await().atMost(Duration.ofSeconds(60)).until(() -> away.log().contains("thread: start 5/0"));
            away.kill();

            cluster.startNode(2);
            String results = cluster.settings.topology().resultsQueue(id, id);
            await().atMost(Duration.ofSeconds(90)).until(() -> ResultsWaiting.count(cluster.broker(), results) == 5);

            Squares back = new Squares(ClientOptions.builder().settings(cluster.settings).clientId(id)
                    .taskDir(tasks).out(new PrintStream(new ByteArrayOutputStream(), true)).build(), 0, 0);
            back.run();
            assertThat(back.received).hasSize(5)
                    .allSatisfy(j -> assertThat(j.result(Long.class)).isEqualTo(j.args(Long.class) * j.args(Long.class)));
            assertThat(Files.readAllLines(tasks.resolve(id).resolve("results.ok"))).hasSize(5);
        }
    }

    @Test
    void aClientWhoseStageThrowsExitsNonZeroAndKeepsItsStreamAndResultsForARerun(@TempDir Path tasks) throws Exception {
        try (Cluster cluster = new Cluster("throwing")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            String id = TestBroker.uniqueName("throwing-client");
            Daemon broken = Daemon.testClass(cluster.prefix + "-throwing", ThrowingStage.class,
                    cluster.env, "--id", id, "--taskdir", tasks.toString());
            assertThat(broken.await(120)).as(broken.log()).isNotZero();
            assertThat(broken.log()).contains("this stage is broken", "ClientFailedException")
                    .doesNotContain("shutdown stage ran");
            StreamInfo stream = cluster.control().call(
                    new ControlRequest.GetStream(id), StreamInfo.class);
            assertThat(stream.isOpen()).isTrue();
            assertThat(cluster.broker().inspect(cluster.settings.topology().resultsQueue(id, id))).isPresent();

            // every result is either handled (in the task file) or waiting for the rerun (a batch of results
            // that was partly handled waits whole: the rerun drops the handled ones by job id)
            Path ok = tasks.resolve(id).resolve("results.ok");
            String results = cluster.settings.topology().resultsQueue(id, id);
            int handled = Files.readAllLines(ok).size();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    ResultsWaiting.count(cluster.broker(), results) + handled >= 10);

            // the rerun with the same id receives every result not handled before, exactly once
            Squares again = new Squares(ClientOptions.builder().settings(cluster.settings).clientId(id)
                    .taskDir(tasks).out(new PrintStream(new ByteArrayOutputStream(), true)).build(), 0, 0);
            again.run();
            assertThat(again.received).hasSize(10 - handled);
            List<String> lines = Files.readAllLines(ok);
            assertThat(lines).hasSize(10);
            assertThat(lines.stream().map(TaskFileLine::decode).map(j -> j.id()).distinct()).hasSize(10);
        }
    }
}
