package io.impetus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.JvmFlags;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {
    private static NodeOptions.Builder builder() {
        return NodeOptions.builder(ConnectionSettings.defaults()).signingKey(null);
    }

    @Test
    void theBuilderGivesTheDefaultsAndNoIdOrFaultUnlessGiven() {
        NodeOptions o = builder().build();
        assertThat(o.mpps()).isEqualTo(NodeOptions.DEFAULT_MPPS);
        assertThat(o.drainTimeout()).isEqualTo(NodeOptions.DEFAULT_DRAIN_TIMEOUT);
        assertThat(o.workerJvmOptions()).isEqualTo(JvmFlags.of(JvmFlags.Role.WORKER, Map.of())); // not the environment's
        assertThat(o.nodeId()).isNull();
        assertThat(o.haltAfterResult()).isNull();
        assertThat(builder().nodeId(" ").haltAfterResult("").build().nodeId()).isNull();
        NodeOptions given = builder().nodeId("i-0abc").haltAfterResult("fragile").build();
        assertThat(given.nodeId()).isEqualTo("i-0abc");
        assertThat(given.haltAfterResult()).isEqualTo("fragile");
    }

    @Test
    void jobsRunInWorkerProcessesUnlessTheOperatorAsksForInProcess() {
        assertThat(builder().build().inProcess()).isFalse();
        assertThat(builder().inProcess(true).build().inProcess()).isTrue();
    }

    @Test
    void oneBlankWorkerIsKeptReadyUnlessGivenAndNeverMoreThanTheNodesWorkers() {
        assertThat(builder().build().warmWorkers()).isEqualTo(NodeOptions.DEFAULT_WARM_WORKERS).isEqualTo(1);
        assertThat(builder().warmWorkers(0).build().warmWorkers()).isZero();
        assertThatThrownBy(() -> builder().maxWorkers(2).warmWorkers(3).build())
                .hasMessageStartingWith("warmWorkers (blank workers kept ready) must be between 0 and maxWorkers (2)")
                .hasMessageContaining("--warm-workers");
        assertThatThrownBy(() -> builder().warmWorkers(-1).build()).hasMessageContaining("was -1");
    }

    @Test
    void theDeliveryBudgetIsHalfTheHeapUnlessGiven() {
        long half = Math.max(DeliveryBudget.MIN_LIMIT, Runtime.getRuntime().maxMemory() / 2);
        assertThat(builder().build().maxBufferedBytes()).isEqualTo(half);
        assertThat(builder().maxBufferedBytes(1000).build().maxBufferedBytes()).isEqualTo(1000);
        assertThatThrownBy(() -> builder().maxBufferedBytes(0).build())
                .hasMessageStartingWith("maxBufferedBytes must be at least 1, was 0")
                .hasMessageContaining(DeliveryBudget.ENV_MAX_BUFFERED_BYTES);
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndHowToSetIt() {
        assertThatThrownBy(() -> builder().mpps(0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mpps (max processes per stream) must be between 1 and 1000, was 0: set --mpps or"
                        + " NodeOptions.builder(settings).mpps(n)");
        assertThatThrownBy(() -> builder().maxWorkers(0).build()).hasMessageStartingWith("maxWorkers (of the node)")
                .hasMessageContaining("--max-workers");
        assertThatThrownBy(() -> builder().jobsPerWorker(1001).build()).hasMessageStartingWith("jobsPerWorker")
                .hasMessageContaining("was 1001").hasMessageContaining("--jobs-per-worker");
        assertThatThrownBy(() -> builder().drainTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("drainTimeout must be zero or more").hasMessageContaining("--drain-timeout");
        assertThatThrownBy(() -> builder().pollInterval(Duration.ZERO).build())
                .hasMessageStartingWith("pollInterval must be positive");
        assertThatThrownBy(() -> NodeOptions.builder(null).build()).hasMessageStartingWith("settings is missing");
    }
}
