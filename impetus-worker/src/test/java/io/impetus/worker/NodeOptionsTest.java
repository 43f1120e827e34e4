package io.impetus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.config.ConnectionSettings;
import java.time.Duration;
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
        assertThat(o.nodeId()).isNull();
        assertThat(o.haltAfterResult()).isNull();
        assertThat(builder().nodeId(" ").haltAfterResult("").build().nodeId()).isNull();
        NodeOptions given = builder().nodeId("i-0abc").haltAfterResult("fragile").build();
        assertThat(given.nodeId()).isEqualTo("i-0abc");
        assertThat(given.haltAfterResult()).isEqualTo("fragile");
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
