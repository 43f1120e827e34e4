package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StreamPropertiesBuilderTest {
    @Test
    void aValuePastItsBoundIsRefusedAsItIsSetNamingThePropertyAndRange() {
        StreamProperties.Builder b = StreamProperties.builder();
        assertThatThrownBy(() -> b.delay(Duration.ofDays(400))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream property 'delay' must be between 0 and 31622400 seconds (a year), was 3.456E7");
        assertThatThrownBy(() -> b.frequency(Duration.ofDays(400))).hasMessageContaining("'frequency'");
        assertThatThrownBy(() -> b.timeout(Duration.ofDays(400))).hasMessageContaining("'timeout'");
        assertThatThrownBy(() -> b.jobTimeout(Duration.ofDays(400))).hasMessageContaining("'jobTimeout'");
        assertThatThrownBy(() -> b.maxRate(2e6)).hasMessageContaining("'maxRate'").hasMessageContaining("1000000");
        assertThatThrownBy(() -> b.maxAttempts(10_001)).hasMessageContaining("'maxAttempts' must be between 1 and 10000");
        assertThatThrownBy(() -> b.mss(2_000_000)).hasMessageContaining("'mss' must be between 1 and 1000000");
        assertThatThrownBy(() -> b.priority(256)).hasMessageContaining("'priority' must be between 0 and 255");
        assertThat(b.delay(Duration.ofDays(366)).maxAttempts(10_000).build().toMap())
                .containsEntry("delay", 31_622_400.0).containsEntry("maxAttempts", 10_000);
    }
}
