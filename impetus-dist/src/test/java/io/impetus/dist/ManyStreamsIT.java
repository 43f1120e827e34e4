package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.dist.fixtures.WhoRuns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A crawler's shape on a real broker, coordinator and node: one client opens many streams together
 * ({@code Impetus.streams}, the create_stream requests pipelined, signed) and forks a few jobs into
 * each; the node hands its started workers from stream to stream of this creator (the worker
 * lounge) instead of starting a JVM per stream.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ManyStreamsIT {
    private static final int STREAMS = 40;
    private static final int JOBS = 3;

    @Test
    void manyStreamsOpenedTogetherRunOnAFewWorkersHandedBetweenThem() throws Exception {
        try (Cluster cluster = new Cluster("many-streams")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                List<String> ids = IntStream.range(0, STREAMS).mapToObj(i -> "site-" + i).toList();
                List<Impetus.Stream> streams = impetus.streams(ids, Map.of());

                assertThat(streams).extracting(Impetus.Stream::id).containsExactlyElementsOf(ids);
                Set<String> open = Arrays.stream(cluster.control().call(new ControlRequest.ListStreams(false),
                        StreamInfo[].class)).map(StreamInfo::id).collect(Collectors.toSet());
                assertThat(open).containsAll(ids);
                List<CompletableFuture<Long>> pids = new ArrayList<>();
                for (int j = 0; j < JOBS; j++) {
                    for (Impetus.Stream s : streams) {
                        pids.add(s.fork(WhoRuns::pid, s.id()));
                    }
                }
                CompletableFuture.allOf(pids.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                Set<Long> workers = new HashSet<>();
                for (CompletableFuture<Long> p : pids) {
                    workers.add(p.get());
                }
                System.out.printf("many streams: %d jobs on %d streams ran on %d worker processes%n", pids.size(),
                        STREAMS, workers.size());
                // a worker per stream would be 40 JVMs; the node's cap is 4 at a time
                assertThat(workers.size()).isLessThanOrEqualTo(STREAMS / 4);
            }
        }
    }
}
