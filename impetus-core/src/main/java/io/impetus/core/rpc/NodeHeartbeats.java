package io.impetus.core.rpc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The nodes as their latest heartbeats describe them: the one record of who is alive, kept by the
 * coordinator (for {@code list_nodes} and the status page) and by the scaler (for its decisions). A
 * node silent for {@link #EXPIRY} is forgotten; one that said it stopped is forgotten at once.
 * Thread-safe.
 */
public final class NodeHeartbeats {
    /** A node sends a heartbeat every few seconds; four missed ones and it is taken for gone. */
    public static final Duration EXPIRY = Duration.ofSeconds(20);

    private record Seen(NodeStatus status, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

    public NodeHeartbeats(Clock clock) {
        this.clock = clock;
    }

    public void heard(NodeStatus status) {
        nodes.put(status.nodeId(), new Seen(status, clock.instant()));
    }

    public void stopped(String nodeId) {
        nodes.remove(nodeId);
    }

    /** The node's latest heartbeat, if it was heard within {@link #EXPIRY}. */
    public Optional<NodeStatus> get(String nodeId) {
        Seen s = nodes.get(nodeId);
        return s == null || expired(s, clock.instant()) ? Optional.empty() : Optional.of(s.status());
    }

    /** The nodes heard from within {@link #EXPIRY}, by id; the silent ones are forgotten. */
    public List<NodeStatus> recent() {
        Instant now = clock.instant();
        nodes.values().removeIf(s -> expired(s, now));
        return nodes.values().stream().map(Seen::status).sorted(Comparator.comparing(NodeStatus::nodeId)).toList();
    }

    /** Whether {@code sent} is too old to count, as a heartbeat heard then would be. */
    public boolean expired(Instant sent) {
        return sent.isBefore(clock.instant().minus(EXPIRY));
    }

    private static boolean expired(Seen s, Instant now) {
        return s.at().isBefore(now.minus(EXPIRY));
    }
}
