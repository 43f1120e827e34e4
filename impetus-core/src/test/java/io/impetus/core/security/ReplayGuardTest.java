package io.impetus.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.loop.ManualClock;
import io.impetus.core.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An exact copy of a signed control-plane message inside the freshness window is refused; the cache stays bounded. */
class ReplayGuardTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "installation");
    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final ReplayGuard guard = new ReplayGuard(clock);

    private InboundMessage event(String body, boolean redelivered) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return message(bytes, Signatures.eventHeaders(key, Topology.STREAM_UPDATED, bytes, clock), redelivered);
    }

    private static InboundMessage message(byte[] body, Map<String, Object> headers, boolean redelivered) {
        return new InboundMessage("impetus.events", Topology.STREAM_UPDATED, body, null, headers, null, null, null, null,
                Topology.STREAM_UPDATED, redelivered, "nodes");
    }

    private SignatureCheck admit(InboundMessage m) {
        return guard.admit(Signatures.eventCheck(key, m, clock), m);
    }

    @Test
    void anExactCopyInsideTheWindowIsRefusedAsAReplay() {
        InboundMessage original = event("{\"jobTimeout\":1}", false);
        assertThat(admit(original).valid()).isTrue();
        clock.advance(Duration.ofMinutes(4));
        InboundMessage copy = message(original.body(), original.headers(), false);
        SignatureCheck replayed = admit(copy);
        assertThat(replayed.valid()).isFalse();
        assertThat(replayed.reason()).startsWith("replayed").contains("freshness window of 5 min");
    }

    @Test
    void theSameBodySignedAgainLaterIsANewMessage() {
        assertThat(admit(event("{\"jobTimeout\":1}", false)).valid()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(admit(event("{\"jobTimeout\":1}", false)).valid()).as("a second heartbeat with the same body").isTrue();
    }

    @Test
    void aDeliveryTheBrokerRedeliversIsLetThrough() {
        InboundMessage original = event("{}", false);
        assertThat(admit(original).valid()).isTrue();
        assertThat(admit(message(original.body(), original.headers(), true)).valid()).isTrue();
    }

    @Test
    void anInvalidOrUnsignedMessageIsNeitherRememberedNorChanged() {
        InboundMessage unsigned = message("{}".getBytes(StandardCharsets.UTF_8), Map.of(), false);
        assertThat(admit(unsigned).reason()).isEqualTo("not signed");
        assertThat(guard.size()).isZero();
    }

    @Test
    void entriesAreForgottenOnceTheirWindowHasPassedAndTheCopyIsThenRefusedAsStale() {
        InboundMessage original = event("{}", false);
        admit(original);
        assertThat(guard.size()).isEqualTo(1);
        clock.advance(Signatures.FRESHNESS.plusSeconds(1));
        assertThat(guard.size()).as("past the window: forgotten").isZero();
        SignatureCheck late = admit(message(original.body(), original.headers(), false));
        assertThat(late.valid()).isFalse();
        assertThat(late.reason()).startsWith("stale");
    }

    @Test
    void itHoldsNoMoreThanItsCapacityForgettingTheOldestFirst() {
        ReplayGuard small = new ReplayGuard(clock, 3);
        InboundMessage first = event("0", false);
        small.admit(Signatures.eventCheck(key, first, clock), first);
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofMillis(1));
            InboundMessage m = event(Integer.toString(i), false);
            assertThat(small.admit(Signatures.eventCheck(key, m, clock), m).valid()).isTrue();
        }
        assertThat(small.size()).isEqualTo(3);
        InboundMessage last = event("5", false);
        clock.advance(Duration.ZERO);
        assertThat(small.admit(SignatureCheck.ok(key.keyId()), last.header(Topology.SIGNATURE_HEADER),
                last.header(Topology.SIGNED_AT_HEADER), false).valid()).as("the newest is still held").isFalse();
        assertThat(small.admit(Signatures.eventCheck(key, first, clock), first).valid())
                .as("the oldest was dropped to stay within the bound").isTrue();
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new ReplayGuard(clock, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
    }
}
