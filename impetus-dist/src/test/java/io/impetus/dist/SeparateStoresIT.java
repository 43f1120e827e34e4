package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An operator's mistake: a second coordinator started on the same broker and prefix with a store of
 * its own (another H2 folder) instead of the first one's. It would serve, at a fail-over, without
 * the first one's streams and delayed jobs; it refuses to start, saying why, and the first one goes on.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeparateStoresIT {

    @Test
    void aSecondCoordinatorWithAStoreOfItsOwnRefusesToStart() throws Exception {
        try (Cluster cluster = new Cluster("stores")) {
            Daemon first = cluster.startCoordinator();
            cluster.control().call(new ControlRequest.CreateStream("kept", Map.of(), null), Object.class);

            long start = System.nanoTime();
            Daemon second = Daemon.impetus(cluster.prefix + "-second", cluster.env, "coordinator", "foreground",
                    "--data-dir", cluster.dataDir.resolve("another-store").toString());
            try {
                assertThat(second.await(120)).as(second.log()).isNotZero();
                assertThat(second.log()).contains("another coordinator is running on this broker",
                        "does not share this coordinator's store", "--store");
                System.out.printf("separate stores: the second coordinator refused to start after %.1f s%n",
                        (System.nanoTime() - start) / 1e9);
            } finally {
                second.close();
            }
            assertThat(first.isAlive()).isTrue();
            StreamInfo[] streams = cluster.control().call(new ControlRequest.ListStreams(false), StreamInfo[].class);
            assertThat(streams).extracting(StreamInfo::id).contains("kept");
        }
    }
}
