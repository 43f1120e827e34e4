package io.impetus.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.scaler.provider.NoneProvider;
import io.impetus.scaler.scaling.SeedPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScalerOptionsTest {
    private static ScalerOptions.Builder builder() {
        return ScalerOptions.builder(ConnectionSettings.defaults(), new NoneProvider(), new SeedPolicy(3));
    }

    @Test
    void theBuilderGivesTheDefaults() {
        ScalerOptions o = builder().build();
        assertThat(o.maxNodes()).isEqualTo(ScalerOptions.DEFAULT_MAX_NODES);
        assertThat(o.interval()).isEqualTo(ScalerOptions.DEFAULT_INTERVAL);
        assertThat(o.idleTime()).isEqualTo(ScalerOptions.DEFAULT_IDLE_TIME);
        assertThat(o.clock()).isNotNull();
    }

    @Test
    void aBadValueIsRefusedWithItsFieldAndOption() {
        assertThatThrownBy(() -> builder().minNodes(4).maxNodes(2).build())
                .hasMessage("the scaler's maxNodes must be at least 1 and at least minNodes 4 (-n/--max-nodes), was 2");
        assertThatThrownBy(() -> builder().mpps(0).build()).hasMessageStartingWith("the scaler's mpps must be at least 1");
        assertThatThrownBy(() -> builder().interval(Duration.ZERO).build()).hasMessageStartingWith("the scaler's interval");
        assertThatThrownBy(() -> builder().hysteresisPasses(0).build()).hasMessageStartingWith("the scaler's hysteresisPasses");
        assertThatThrownBy(() -> builder().http("0.0.0.0", 70000, "k").build()).hasMessageStartingWith("the scaler's httpPort");
        assertThatThrownBy(() -> ScalerOptions.builder(null, new NoneProvider(), new SeedPolicy(1)).build())
                .hasMessageStartingWith("the scaler's settings is missing");
    }
}
