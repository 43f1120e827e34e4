package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.dist.fixtures.Jobs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs forked together ({@code forkAll}: many per message) and results sent together (a busy node
 * batches them): every job runs and every result reaches its future once, also when the stream's
 * {@code mss} is smaller than a batch, and on a quorum stream; and when the workers and then the
 * node running a batch are killed (SIGKILL) midway.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BulkForkIT {

    @Test
    void everyJobForkedTogetherGetsItsOwnResult() throws Exception {
        try (Cluster cluster = new Cluster("bulk")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                for (Map<String, Object> props : List.<Map<String, Object>>of(Map.of(), Map.of("mss", 50),
                        Map.of("queueType", "quorum"))) {
                    Impetus.Stream stream = impetus.stream("bulk-" + props.size() + "-" + props.hashCode(), props);
                    List<String> args = IntStream.range(0, 3000).mapToObj(i -> "job" + i).toList();
                    List<CompletableFuture<String>> results = new ArrayList<>(stream.forkAll(Jobs::echo, args));
                    results.addAll(stream.forkAll(Jobs::echo, List.of("urgent-a", "urgent-b"), ForkOptions.priority(9)));
                    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                    for (int i = 0; i < 3000; i++) {
                        assertThat(results.get(i).get()).as("%s: job %d", props, i).isEqualTo("job" + i);
                    }
                    assertThat(results.get(3000).get()).isEqualTo("urgent-a");
                    assertThat(results.get(3001).get()).isEqualTo("urgent-b");
                }
            }
        }
    }

    @Test
    void jobsForkedTogetherSurviveTheirWorkersAndTheirNodeKilledMidBatch() throws Exception {
        try (Cluster cluster = new Cluster("bulk-kill")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("bulk-kill", Map.of("maxAttempts", 5));
                int count = 3000;
                List<String> args = IntStream.range(0, count).mapToObj(i -> "job" + i).toList();
                List<CompletableFuture<String>> results = stream.forkAll(Jobs::slowEcho, args);
                AtomicInteger done = new AtomicInteger();
                results.forEach(f -> f.whenComplete((v, e) -> done.incrementAndGet()));

                await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= 300);
                List<ProcessHandle> workers = ProcessHandle.of(node.pid()).orElseThrow().children().toList();
                assertThat(workers).isNotEmpty();
                workers.forEach(ProcessHandle::destroyForcibly); // the jobs they ran are parts of a batch
                int atWorkersKilled = done.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> done.get() >= atWorkersKilled + 400);
                int atNodeKilled = done.get();
                node.kill(); // the batches it held, unacked, come back whole
                cluster.startReplacementNode(2);

                CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    assertThat(results.get(i).get()).as("job %d", i).isEqualTo("job" + i);
                }
                assertThat(done).hasValue(count);
                System.out.printf("bulk kill: workers killed after %d of %d results, the node after %d; all %d arrived"
                        + " once%n", atWorkersKilled, count, atNodeKilled, count);
                assertThat(atNodeKilled).as("the node was killed mid-run").isLessThan(count);
            }
        }
    }
}
