package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
