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
                .hasMessageContaining("'maxAttempts' must be at least 1");
        assertThatThrownBy(() -> StreamProperties.fromMap(Map.of("delay", -1)))
                .hasMessageContaining("'delay' must be >= 0");
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
