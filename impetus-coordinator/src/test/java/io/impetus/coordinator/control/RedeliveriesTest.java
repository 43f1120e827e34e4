package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A control request that keeps coming back unanswered is recognised by the quorum queue's delivery count. */
class RedeliveriesTest {

    private static InboundMessage withHeaders(Map<String, Object> headers) {
        return new InboundMessage("", "impetus.control", new byte[0], null, headers, null, "c1", "amq.rabbitmq.reply-to.x",
                "c1", "create_stream", true, null);
    }

    @Test
    void aRequestIsDroppedOnlyOnceItCameBackTheLimitTimes() {
        assertThat(Redeliveries.tooMany(withHeaders(Map.of()))).as("first delivery, or a classic queue").isFalse();
        assertThat(Redeliveries.tooMany(withHeaders(Map.of(Redeliveries.HEADER, 2L)))).isFalse();
        assertThat(Redeliveries.tooMany(withHeaders(Map.of(Redeliveries.HEADER, 3L)))).isTrue();
        assertThat(Redeliveries.count(withHeaders(Map.of(Redeliveries.HEADER, 7)))).isEqualTo(7);
        assertThat(Redeliveries.count(withHeaders(Map.of(Redeliveries.HEADER, "x")))).isZero();
    }
}
