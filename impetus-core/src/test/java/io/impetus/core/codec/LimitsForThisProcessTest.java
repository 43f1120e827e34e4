package io.impetus.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LimitsForThisProcessTest {
    @AfterEach
    void backToTheDefaults() {
        Limits.useForThisProcess(Limits.DEFAULTS);
    }

    @Test
    void theLimitsTheEdgeReadAreWhatEveryDecoderMadeAfterwardsUses() {
        Limits read = Limits.fromEnvironment(Map.of(Limits.ENV_MAX_MESSAGE_BYTES, "1000"));
        Limits.useForThisProcess(read);
        assertThat(Limits.configured()).isEqualTo(read);
        assertThat(WireCodec.standard().limits().maxMessageBytes()).isEqualTo(1000);
    }
}
