package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.SettableClock;
import io.impetus.testkit.fake.FakeBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the coordinator itself spends on a {@code create_stream}, the broker left out (a {@link FakeBroker}):
 * the store's read and insert (H2 file, a commit each), the properties checked, the log line, on the
 * coordinator's 8 RPC threads at once. Run with {@code -Dimpetus.bench.open=true}; prints ms a stream.
 */
@EnabledIfSystemProperty(named = "impetus.bench.open", matches = "true")
class CreateStreamBench {
    @Test
    void createsAThousandStreamsOnEightThreads(@TempDir Path dir) throws Exception {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                    new NodeRegistry(new SettableClock()), new SettableClock(), (k, s) -> { });
            for (int round = 0; round < 3; round++) {
                int n = 1000;
                ExecutorService rpc = Executors.newFixedThreadPool(8);
                long t0 = System.nanoTime();
                List<Future<Object>> done = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String id = "r" + round + "-site-" + i;
                    done.add(rpc.submit(() -> h.handle(new ControlRequest.CreateStream(id, Map.of("maxAttempts", 2), "c1"))));
                }
                for (Future<Object> f : done) {
                    f.get();
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                rpc.shutdown();
                System.out.printf("CreateStreamBench round %d: %d streams in %.0f ms, %.3f ms a stream%n", round, n, ms, ms / n);
                assertThat(store.streams(false)).hasSize(n * (round + 1));
            }
        }
    }
}
