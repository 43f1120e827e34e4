package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.dist.fixtures.Jobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs forked together ({@code forkAll}: many per message) and results sent together (a busy node
 * batches them): every job runs and every result reaches its future once, also when the stream's
 * {@code mss} is smaller than a batch, and on a quorum stream.
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
}
