package io.impetus.scaler;

import io.impetus.core.rpc.NodeStatus;
import io.impetus.scaler.scaling.NodeView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The nodes as their heartbeats describe them; a node silent for {@link #EXPIRY} is gone. */
final class NodeHeartbeats {
    static final Duration EXPIRY = Duration.ofSeconds(20);

    private record Seen(NodeStatus status, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

    NodeHeartbeats(Clock clock) {
        this.clock = clock;
    }

    void heard(NodeStatus s) {
        nodes.put(s.nodeId(), new Seen(s, clock.instant()));
    }

    void stopped(String nodeId) {
        nodes.remove(nodeId);
    }

    NodeStatus get(String nodeId) {
        Seen s = nodes.get(nodeId);
        return s == null ? null : s.status();
    }

    List<NodeView> views() {
        Instant cutoff = clock.instant().minus(EXPIRY);
        nodes.values().removeIf(s -> s.at().isBefore(cutoff));
        return nodes.values().stream().map(Seen::status)
                .map(s -> new NodeView(s.nodeId(), s.mpps(), s.streams().size(), s.busyWorkers(), s.lastActivity(),
                        s.draining(), s.blocked()))
                .toList();
    }
}
