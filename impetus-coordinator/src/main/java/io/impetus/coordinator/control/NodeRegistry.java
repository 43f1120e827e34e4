package io.impetus.coordinator.control;

import io.impetus.core.rpc.NodeStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The nodes that sent a heartbeat lately; a node silent for {@link #EXPIRY} is forgotten. */
public final class NodeRegistry {
    public static final Duration EXPIRY = Duration.ofSeconds(20);

    private final Clock clock;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

    private record Seen(NodeStatus status, Instant at) {
    }

    public NodeRegistry(Clock clock) {
        this.clock = clock;
    }

    public void heard(NodeStatus status) {
        nodes.put(status.nodeId(), new Seen(status, clock.instant()));
    }

    private volatile io.impetus.core.rpc.ScalerReport scaler;

    /** The scaler's report; forgotten when older than {@link #EXPIRY}. */
    public void scaler(io.impetus.core.rpc.ScalerReport report) {
        this.scaler = report;
    }

    public io.impetus.core.rpc.ScalerReport scaler() {
        io.impetus.core.rpc.ScalerReport s = scaler;
        return s == null || s.sent().isBefore(clock.instant().minus(EXPIRY)) ? null : s;
    }

    public void stopped(String nodeId) {
        nodes.remove(nodeId);
    }

    /** Nodes heard from within {@link #EXPIRY}, by id. */
    public List<NodeStatus> recent() {
        Instant cutoff = clock.instant().minus(EXPIRY);
        nodes.values().removeIf(s -> s.at().isBefore(cutoff));
        return nodes.values().stream().map(Seen::status).sorted(Comparator.comparing(NodeStatus::nodeId)).toList();
    }
}
