package io.impetus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node believes a stream event or a drain request only when the installation's key signed it lately. */
class NodeEventsTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "installation");
    private final SettableClock clock = new SettableClock();
    private final NodeEvents events = new NodeEvents("n1", key, clock);
    private final byte[] loosened = Json.write(new StreamInfo("s", StreamProperties.DEFAULTS.toBuilder().jobTimeout(86_400.0)
            .maxAttempts(1000).build(), StreamInfo.State.OPEN, clock.instant(), null));

    private static InboundMessage event(String routingKey, byte[] body, Map<String, Object> headers) {
        return new InboundMessage("impetus.events", routingKey, body, null, headers, null, null, null, null, routingKey,
                false, "nodes");
    }

    @Test
    void aStreamUpdateSignedByTheCoordinatorIsBelieved() {
        NodeEvents.Event e = events.read(event(Topology.STREAM_UPDATED, loosened,
                Signatures.eventHeaders(key, Topology.STREAM_UPDATED, loosened, clock)));
        assertThat(e).isInstanceOf(NodeEvents.StreamState.class);
        assertThat(((NodeEvents.StreamState) e).stream().properties().maxAttempts()).isEqualTo(1000);
    }

    @Test
    void aForgedStreamUpdateDoesNotChangeTheNodesView() {
        assertThat(events.read(event(Topology.STREAM_UPDATED, loosened, Map.of()))).as("unsigned")
                .isEqualTo(new NodeEvents.Ignored("not signed"));
        SigningKey stranger = SigningKey.parse(SigningKey.generate(), "a node login's own key");
        assertThat(events.read(event(Topology.STREAM_UPDATED, loosened,
                Signatures.eventHeaders(stranger, Topology.STREAM_UPDATED, loosened, clock))))
                .isInstanceOf(NodeEvents.Ignored.class);
        byte[] closed = Json.write(new StreamInfo("s", StreamProperties.DEFAULTS, StreamInfo.State.CLOSED, clock.instant(),
                clock.instant()));
        assertThat(events.read(event(Topology.STREAM_CLOSED, closed,
                Signatures.eventHeaders(key, Topology.STREAM_UPDATED, loosened, clock))))
                .as("another event's signature on a forged close").isInstanceOf(NodeEvents.Ignored.class);
    }

    @Test
    void aSignedEventReplayedAfterTheFreshnessWindowIsRefused() {
        InboundMessage recorded = event(Topology.STREAM_UPDATED, loosened,
                Signatures.eventHeaders(key, Topology.STREAM_UPDATED, loosened, clock));
        clock.advance(Signatures.FRESHNESS.plus(Duration.ofSeconds(1)));
        NodeEvents.Event e = events.read(recorded);
        assertThat(e).isInstanceOf(NodeEvents.Ignored.class);
        assertThat(((NodeEvents.Ignored) e).reason()).startsWith("stale");
    }

    @Test
    void aSignedEventReplayedInsideTheFreshnessWindowIsRefused() {
        InboundMessage recorded = event(Topology.STREAM_UPDATED, loosened,
                Signatures.eventHeaders(key, Topology.STREAM_UPDATED, loosened, clock));
        assertThat(events.read(recorded)).isInstanceOf(NodeEvents.StreamState.class);
        clock.advance(Duration.ofMinutes(1));
        NodeEvents.Event e = events.read(recorded);
        assertThat(e).isInstanceOf(NodeEvents.Ignored.class);
        assertThat(((NodeEvents.Ignored) e).reason()).startsWith("replayed");
    }

    @Test
    void aDrainRequestIsBelievedOnlyWhenSigned() {
        String drain = Topology.nodeDrainKey("n1");
        assertThat(events.read(event(drain, new byte[0], Map.of()))).isInstanceOf(NodeEvents.Ignored.class);
        assertThat(events.read(event(drain, new byte[0], Signatures.eventHeaders(key, drain, new byte[0], clock))))
                .isInstanceOf(NodeEvents.Drain.class);
    }
}
