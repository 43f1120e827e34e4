package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A client sends its jobs again on a "_lost" notice only when the installation's key signed it lately. */
class LostNoticesTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "installation");
    private final SettableClock clock = new SettableClock();
    private final byte[] body = "s".getBytes(StandardCharsets.UTF_8);

    private static InboundMessage notice(byte[] body, Map<String, Object> headers) {
        return new InboundMessage("impetus.results.s", Topology.LOST_KEY, body, null, headers, null, null, null, null,
                Topology.LOST_TYPE, false, "clients");
    }

    @Test
    void aSignedNoticeIsBelievedAndAForgedOrReplayedOneIgnored() {
        InboundMessage signed = notice(body, Signatures.eventHeaders(key, Topology.LOST_KEY, body, clock));
        assertThat(LostNotices.believed(key, "s", signed, clock)).isTrue();
        assertThat(LostNotices.believed(key, "s", notice(body, Map.of()), clock)).as("forged: unsigned").isFalse();
        byte[] other = "t".getBytes(StandardCharsets.UTF_8);
        assertThat(LostNotices.believed(key, "s", notice(other, Signatures.eventHeaders(key, Topology.LOST_KEY, body, clock)),
                clock)).as("another stream's signature").isFalse();
        assertThat(LostNotices.believed(key, "u", signed, clock)).as("stream s's signed notice replayed onto stream u")
                .isFalse();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(LostNotices.believed(key, "s", signed, clock)).as("replayed").isFalse();
        assertThat(LostNotices.believed(null, "s", notice(body, Map.of()), clock)).as("an installation without a key").isTrue();
    }

    @Test
    void aSignedNoticeReplayedInsideTheFreshnessWindowIsIgnored() {
        ReplayGuard replays = new ReplayGuard(clock);
        InboundMessage signed = notice(body, Signatures.eventHeaders(key, Topology.LOST_KEY, body, clock));
        assertThat(LostNotices.believed(key, "s", signed, clock, replays)).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(LostNotices.believed(key, "s", signed, clock, replays)).as("the same notice published again").isFalse();
        InboundMessage next = notice(body, Signatures.eventHeaders(key, Topology.LOST_KEY, body, clock));
        assertThat(LostNotices.believed(key, "s", next, clock, replays)).as("a new notice, signed now").isTrue();
    }
}
