package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.client.JobProgress;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.dist.fixtures.Chatty;
import io.impetus.testkit.TestBroker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job's progress and output, end to end on a real broker and node: they reach the client's listener
 * while the job runs, and the node's heartbeat (what {@code impetus job} and the status page read)
 * shows the running job's latest progress and the tail of its output.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProgressIT {

    @Test
    void aJobsProgressAndOutputReachItsClientAndTheNodesHeartbeat() throws Exception {
        try (Cluster cluster = new Cluster("progress")) {
            cluster.startCoordinator();
            cluster.startNode(1);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                List<JobProgress> seen = new CopyOnWriteArrayList<>();
                impetus.onProgress(seen::add);
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("chatty"), Map.of());
                CompletableFuture<Integer> job = stream.fork(Chatty::steps, 20); // about 6 s
                String id = Impetus.jobId(job);

                // while it runs: the node's heartbeat lists it with its progress and output
                JobUpdate running = await().atMost(Duration.ofSeconds(60)).until(() -> Arrays.stream(cluster.control()
                                .call(new ControlRequest.ListNodes(), NodeStatus[].class))
                        .flatMap(n -> n.jobs().stream()).filter(j -> id.equals(j.jobId()) && j.fraction() != null)
                        .findFirst().orElse(null), j -> j != null);
                assertThat(running.stream()).isEqualTo(stream.id());
                assertThat(running.name()).isEqualTo("steps");
                assertThat(running.message()).startsWith("step ");
                assertThat(running.output()).contains("of 20");
                assertThat(seen).isNotEmpty(); // updates reach the client before the job ends

                assertThat(job.get(60, TimeUnit.SECONDS)).isEqualTo(20);
                assertThat(seen).allSatisfy(p -> {
                    assertThat(p.jobId()).isEqualTo(id);
                    assertThat(p.name()).isEqualTo("steps");
                });
                List<Double> fractions = seen.stream().map(JobProgress::fraction).filter(f -> f != null).toList();
                assertThat(fractions).isSorted().contains(1.0); // the last report is always sent
                assertThat(fractions.size()).isBetween(5, 20); // rate-limited, ~4 a second at most
                String output = seen.stream().map(JobProgress::output).filter(o -> o != null)
                        .collect(Collectors.joining());
                for (int i = 1; i <= 20; i++) {
                    assertThat(output).contains("step " + i + " of 20\n");
                }
                System.out.printf("progress: %d updates, %d with progress, %d chars of output%n", seen.size(),
                        fractions.size(), output.length());
            }
        }
    }
}
