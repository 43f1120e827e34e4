package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import io.impetus.dist.fixtures.Failing;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.dist.fixtures.Squares;
import io.impetus.dist.fixtures.WhoRuns;
import io.impetus.testkit.TestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node started with {@code --in-process}, end to end on a real broker with a real coordinator: a
 * client's jobs run in the node's own JVM (no worker process), their results and errors reach the client
 * as from worker processes, and a job past its jobTimeout is interrupted and delivered as a timeout.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class InProcessIT {

    @Test
    void aClientsJobsRunInTheNodesJvmWithResultsErrorsAndTimeoutsAsInWorkerProcesses() throws Exception {
        try (Cluster cluster = new Cluster("inprocess")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2, Map.of(), List.of("--in-process"));
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("inproc"),
                        Map.of("jobTimeout", 2, "maxAttempts", 1));
                List<CompletableFuture<Long>> squares = new ArrayList<>();
                for (long i = 0; i < 50; i++) {
                    squares.add(stream.fork(Squares::square, i));
                }
                for (int i = 0; i < squares.size(); i++) {
                    assertThat(squares.get(i).get(60, TimeUnit.SECONDS)).isEqualTo((long) i * i);
                }
                // the job ran in the node's own process: there is no worker process
                assertThat(stream.fork(WhoRuns::pid, "x").get(60, TimeUnit.SECONDS)).isEqualTo(node.pid());
                assertThat(ProcessHandle.of(node.pid()).orElseThrow().children()).isEmpty();

                assertThat(stream.fork(Failing::divide, 0)).failsWithin(Duration.ofSeconds(60))
                        .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(JobFailedException.class)
                        .withMessageContaining("/ by zero");

                CompletableFuture<Long> stuck = stream.fork(Jobs::sleep, 60_000L);
                assertThat(stuck).failsWithin(Duration.ofSeconds(60)).withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(JobFailedException.class)
                        .withMessageContaining("timed out").withMessageContaining("attempt 1 of 1");
                assertThat(stream.fork(Squares::square, 7L).get(60, TimeUnit.SECONDS)).as("the stream goes on")
                        .isEqualTo(49L);
                assertThat(node.isAlive()).isTrue();
            }
        }
    }
}
