package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The coordinator counts a node only from heartbeats the installation's key signed lately. */
class NodeRegistryTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "installation");
    private final SettableClock clock = new SettableClock();

    private FakeDelivery heartbeat(String node, Map<String, Object> headers, byte[] body) {
        return new FakeDelivery(new InboundMessage("impetus.events", Topology.NODE_HEARTBEAT, body, null, headers, null,
                null, null, null, Topology.NODE_HEARTBEAT, false, "nodes"));
    }

    private byte[] status(String node) {
        return Json.write(new NodeStatus(node, "h", 1, 2, Map.of(), clock.instant(), clock.instant(), false, false,
                clock.instant()));
    }

    @Test
    void aSignedHeartbeatCountsAndAnUnsignedForeignOrReplayedOneDoesNot() {
        NodeRegistry registry = new NodeRegistry(clock, key);
        byte[] good = status("n1");
        FakeDelivery signed = heartbeat("n1", Signatures.eventHeaders(key, Topology.NODE_HEARTBEAT, good, clock), good);
        registry.onEvent(signed);
        assertThat(registry.recent()).extracting(NodeStatus::nodeId).containsExactly("n1");

        registry.onEvent(heartbeat("ghost", Map.of(), status("ghost")));
        byte[] other = status("other");
        registry.onEvent(heartbeat("other", Signatures.eventHeaders(SigningKey.parse(SigningKey.generate(), "x"),
                Topology.NODE_HEARTBEAT, other, clock), other));
        assertThat(registry.recent()).extracting(NodeStatus::nodeId).containsExactly("n1");

        clock.advance(Duration.ofMinutes(6));
        registry.onEvent(signed); // the same heartbeat, recorded and sent again
        assertThat(registry.recent()).as("n1 expired; its replayed heartbeat does not bring it back").isEmpty();
        assertThat(signed.state()).isEqualTo(FakeDelivery.State.ACKED);
    }
}
