package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.topology.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator's 30-s check of every stream's topology, alone: no node consumes and no client publishes, so
 * nothing else notices a jobs queue or a results exchange deleted by hand. The check lists the streams' queues
 * and exchanges through the management API and asks the broker only for the streams not listed whole.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdleStreamsHealIT {

    @Test
    void aJobsQueueAndAResultsExchangeDeletedUnderIdleStreamsComeBackAndTheStreamsClientsAreTold() throws Exception {
        try (Cluster cluster = new Cluster("idle-heal")) {
            cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                impetus.streams(List.of("a", "b", "c"), Map.of());
            }
            Topology t = cluster.settings.topology();
            Broker b = cluster.broker();
            // stands in for a client of stream a: its results queue gets the stream's lost notices
            String told = b.declareTemporaryQueue(cluster.prefix + ".it.told");
            b.bind(told, t.resultsExchange("a"), Topology.LOST_KEY);
            ManagementClient management = new ManagementClient(cluster.settings);

            b.deleteQueue(t.jobsQueue("a"), false);
            b.deleteExchange(t.resultsExchange("b"));
            long start = System.nanoTime();
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250)).until(() ->
                    b.inspect(t.jobsQueue("a")).isPresent()
                            && management.exchangeNames(t.resultsExchange("b")).contains(t.resultsExchange("b")));
            System.out.printf("IdleStreamsHealIT: back after %.1f s%n", (System.nanoTime() - start) / 1e9);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.inspect(told).map(QueueCounts::ready).orElse(0L) == 1);
            assertThat(b.inspect(t.jobsQueue("c"))).as("the others untouched").isPresent();
        }
    }
}
