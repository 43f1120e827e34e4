package io.impetus.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.codec.Json;
import io.impetus.core.error.InvalidPropertyException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamPropertiesTest {

    @Test
    void hasTheDesignsDefaults() {
        StreamProperties p = StreamProperties.DEFAULTS;
        assertThat(p.priority()).isZero();
        assertThat(p.maxPriority()).isEqualTo(10);
        assertThat(p.delay()).isZero();
        assertThat(p.frequency()).isZero();
        assertThat(p.maxRate()).isNull();
        assertThat(p.timeout()).isEqualTo(15);
        assertThat(p.jobTimeout()).isNull();
        assertThat(p.maxAttempts()).isEqualTo(3);
        assertThat(p.mss()).isNull();
    }

    @Test
    void refusesABadValueNamingThePropertyAndTheRange() {
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("priority", 11)))
                .isInstanceOf(InvalidPropertyException.class)
                .hasMessage("stream property 'priority' must be between 0 and 10, was 11")
                .extracting("property").isEqualTo("priority");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxPriority", 300)))
                .hasMessageContaining("'maxPriority' must be between 1 and 255");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxRate", 0)))
                .hasMessageContaining("'maxRate' must be a positive number");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("timeout", "soon")))
                .hasMessageContaining("'timeout' must be a number of seconds, was 'soon'");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxAttempts", 0)))
                .hasMessageContaining("'maxAttempts' must be between 1 and 10000");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("delay", -1)))
                .hasMessageContaining("'delay' must be between 0 and 31622400 seconds");
    }

    @Test
    void refusesEveryUnboundedOrNonFiniteNumberNamingThePropertyValueAndRange() {
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("delay", "Infinity")))
                .isInstanceOf(InvalidPropertyException.class).extracting("property").isEqualTo("delay");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("delay", 1e12)))
                .hasMessage("stream property 'delay' must be between 0 and 31622400 seconds (a year), was 1.0E12");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("frequency", Double.POSITIVE_INFINITY)))
                .hasMessage("stream property 'frequency' must be between 0 and 31622400 seconds (a year), was Infinity");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("frequency", "NaN")))
                .hasMessageContaining("'frequency' must be between 0 and 31622400 seconds (a year), was NaN");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("timeout", 1e300)))
                .hasMessage("stream property 'timeout' must be above 0 and at most 31622400 seconds (a year), was 1.0E300");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("jobTimeout", "Infinity")))
                .hasMessageContaining("'jobTimeout' must be above 0 and at most 31622400 seconds");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxRate", 1e7)))
                .hasMessage("stream property 'maxRate' must be a positive number of jobs per second, at most 1000000"
                        + " (or unset for no cap), was 1.0E7");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxRate", Double.NaN)))
                .hasMessageContaining("'maxRate' must be a positive number");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxAttempts", 10_001)))
                .hasMessage("stream property 'maxAttempts' must be between 1 and 10000, was 10001");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("maxAttempts", 1e12)))
                .hasMessage("stream property 'maxAttempts' must be between 1 and 10000, was 1.0E12");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("mss", 3_000_000_000L)))
                .hasMessage("stream property 'mss' must be between 1 and 1000000 (or unset for no limit), was 3000000000");
        assertThatThrownBy(() -> StreamProperties.builder().delay(Double.POSITIVE_INFINITY).build())
                .hasMessageContaining("'delay'");
        assertThat(StreamProperties.fromMap(Map.of("delay", 31_622_400, "frequency", 31_622_400, "timeout",
                31_622_400, "jobTimeout", 31_622_400, "maxRate", 1_000_000, "maxAttempts", 10_000, "mss", 1_000_000)))
                .isNotNull();
    }

    @Test
    void checksEachGivenPropertyAloneWithoutTheStreamsOtherValues() {
        StreamProperties.checkEach(Map.of("priority", 200, "delay", 5, "crawl", "x"));
        assertThatThrownBy(() -> StreamProperties.checkEach(Map.of("priority", 1, "frequency", "Infinity")))
                .isInstanceOf(InvalidPropertyException.class).extracting("property").isEqualTo("frequency");
        assertThatThrownBy(() -> StreamProperties.checkEach(Map.of("priority", 256)))
                .hasMessageContaining("'priority' must be between 0 and 255");
    }

    @Test
    void readsAStoredValuePastItsBoundAsTheBound() {
        StreamProperties p = StreamProperties.stored(Map.of("delay", 1e12, "frequency", "Infinity", "maxAttempts",
                1_000_000, "mss", 2_000_000_000, "maxRate", 1e9, "priority", 2));
        assertThat(p.delay()).isEqualTo(StreamProperties.MAX_SECONDS);
        assertThat(p.frequency()).isEqualTo(StreamProperties.MAX_SECONDS);
        assertThat(p.maxAttempts()).isEqualTo(StreamProperties.MAX_ATTEMPTS);
        assertThat(p.mss()).isEqualTo(StreamProperties.MAX_MSS);
        assertThat(p.maxRate()).isEqualTo(StreamProperties.MAX_RATE);
        assertThat(p.priority()).isEqualTo(2);
        assertThatThrownBy(() -> StreamProperties.stored(Map.of("delay", -1)))
                .isInstanceOf(InvalidPropertyException.class);
    }

    @Test
    void keepsUnknownKeysAsMetadata() {
        StreamProperties p = StreamProperties.fromMap(Map.of("frequency", "0.5", "crawl", "example.org"));
        assertThat(p.frequency()).isEqualTo(0.5);
        assertThat(p.metadata()).containsEntry("crawl", "example.org");
        assertThat(p.toMap()).containsEntry("crawl", "example.org").containsEntry("frequency", 0.5);
    }

    @Test
    void appliesChangesAndReportsDifferences() {
        StreamProperties before = StreamProperties.fromMap(Map.of("maxRate", 20));
        StreamProperties after = before.with(Map.of("maxRate", 5, "priority", 3));
        assertThat(after.maxRate()).isEqualTo(5.0);
        assertThat(before.differences(after)).containsExactly("maxRate", "priority");
        assertThat(before.with(Map.of("maxRate", 20)).differences(before)).isEmpty();
    }

    @Test
    void survivesJson() {
        StreamProperties p = StreamProperties.fromMap(Map.of("mss", 50, "jobTimeout", 2.5, "tag", "x"));
        assertThat(Json.read(Json.write(p), StreamProperties.class)).isEqualTo(p);
    }

    @Test
    void checksStreamIds() {
        assertThat(StreamId.check("stream", "crawl.example-1")).isEqualTo("crawl.example-1");
        assertThatThrownBy(() -> StreamId.check("stream", "bad name"))
                .hasMessageContaining("stream id 'bad name' is not valid");
    }
}
