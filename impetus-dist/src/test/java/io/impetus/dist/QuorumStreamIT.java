package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import io.impetus.dist.fixtures.Jobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A quorum stream keeps its priorities: 20 priority-9 jobs forked behind a backlog of 300
 * priority-0 jobs overtake most of them, through the stream's band queues.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QuorumStreamIT {

    @Test
    void highPriorityJobsOvertakeABacklogOnAQuorumStream() throws Exception {
        try (Cluster cluster = new Cluster("quorum-priority")) {
            Daemon coordinator = cluster.startCoordinator("--default-queue-type", "quorum");
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("q", Map.of("maxPriority", 9));
                StreamInfo info = cluster.control().call(new ControlRequest.GetStream("q"), StreamInfo.class);
                assertThat(info.properties().queueType()).isEqualTo(QueueType.QUORUM);
                for (String band : cluster.settings.topology().jobsQueues("q", info.properties())) {
                    assertThat(cluster.broker().inspect(band)).as(band).isPresent();
                }
                List<String> order = new CopyOnWriteArrayList<>();
                List<CompletableFuture<Void>> all = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    all.add(stream.fork(Jobs::echo, "low" + i, ForkOptions.priority(0)).thenAccept(order::add));
                }
                for (int i = 0; i < 20; i++) {
                    all.add(stream.fork(Jobs::echo, "high" + i, ForkOptions.priority(9)).thenAccept(order::add));
                }
                // every job in its band queue before a node takes any: a backlog, not a race with the sending
                List<String> bands = cluster.settings.topology().jobsQueues("q", info.properties());
                await().atMost(Duration.ofSeconds(60)).until(() -> bands.stream()
                        .mapToLong(b -> cluster.broker().inspect(b).orElseThrow().ready()).sum() == 320);
                cluster.startNode(2);
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                assertThat(order).hasSize(320).doesNotHaveDuplicates();
                int lastHigh = 0;
                for (int i = 0; i < order.size(); i++) {
                    if (order.get(i).startsWith("high")) {
                        lastHigh = i;
                    }
                }
                long overtaken = order.subList(lastHigh, order.size()).stream().filter(s -> s.startsWith("low")).count();
                System.out.printf("quorum priorities: the last of 20 priority-9 jobs finished %d-th of 320;"
                        + " %d of 300 priority-0 jobs finished after every priority-9 one%n", lastHigh + 1, overtaken);
                assertThat(overtaken).as("priority-9 jobs overtake most of the backlog").isGreaterThan(200);
            }
            // the client closed (its quorum results queue deleted); closing the stream removes its band queues,
            // neither by a queue.delete flag quorum queues refuse with a connection error
            StreamInfo info = cluster.control().call(new ControlRequest.GetStream("q"), StreamInfo.class);
            cluster.control().call(new ControlRequest.CloseStream("q"), StreamInfo.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.settings
                    .topology().jobsQueues("q", info.properties()).stream()
                    .allMatch(band -> cluster.broker().inspect(band).isEmpty()));
            assertThat(coordinator.log()).doesNotContain("connection to RabbitMQ lost");
        }
    }
}
