package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.error.InvalidPropertyException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void aBombStopsAtTheInflatedLimitWithTheLimitsName() {
        byte[] bomb = Zlib.compress(new byte[10 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(20_000);
        assertThatThrownBy(() -> Zlib.decompress(bomb, 1024 * 1024))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageContaining(Limits.ENV_MAX_INFLATED_BYTES)
                .satisfies(e -> assertThat(((LimitExceededException) e).limit()).isEqualTo(Limits.ENV_MAX_INFLATED_BYTES));
        assertThat(Zlib.decompress(bomb, 10 * 1024 * 1024)).hasSize(10 * 1024 * 1024);
    }

    @Test
    void theWireCodecRefusesOverLongBodiesBothWays() {
        WireCodec codec = new WireCodec(1024, Limits.DEFAULTS.withMaxInflatedBytes(4096).withMaxMessageBytes(2048));
        assertThatThrownBy(() -> codec.decode(new byte[3000], null)).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining(Limits.ENV_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> codec.decode(Zlib.compress(new byte[5000]), "deflate"))
                .hasMessageContaining(Limits.ENV_MAX_INFLATED_BYTES);
        assertThatThrownBy(() -> codec.encode(new byte[5000])).hasMessageContaining(Limits.ENV_MAX_INFLATED_BYTES);
        assertThat(codec.decode(codec.encode(new byte[4000]).body(), "deflate")).hasSize(4000);
    }

    @Test
    void limitsComeFromTheEnvironmentAndBadValuesSayWhich() {
        Limits l = Limits.fromEnvironment(Map.of(Limits.ENV_MAX_INFLATED_BYTES, "1000", Limits.ENV_MAX_BUNDLE_ENTRIES, "5"));
        assertThat(l.maxInflatedBytes()).isEqualTo(1000);
        assertThat(l.maxBundleEntries()).isEqualTo(5);
        assertThat(l.maxMessageBytes()).isEqualTo(Limits.DEFAULT_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> Limits.fromEnvironment(Map.of(Limits.ENV_MAX_MESSAGE_BYTES, "lots")))
                .isInstanceOf(InvalidPropertyException.class).hasMessageContaining(Limits.ENV_MAX_MESSAGE_BYTES);
        assertThatThrownBy(() -> Limits.fromEnvironment(Map.of(Limits.ENV_MAX_MESSAGE_BYTES, "0")))
                .hasMessageContaining("between 1 and");
    }
}
