package io.impetus.scaler.scaling;

import java.time.Instant;
import java.util.List;

/** Everything a policy decides from: the backlog of every stream, the nodes, and the time. */
public record ScalingInputs(List<StreamBacklog> streams, List<NodeView> nodes, Instant now) {
    public ScalingInputs {
        streams = List.copyOf(streams);
        nodes = List.copyOf(nodes);
    }

    /** Jobs waiting in the queues (ready, not yet taken by a node). */
    public long waiting() {
        return streams.stream().mapToLong(StreamBacklog::ready).sum();
    }

    /** Jobs taken by nodes and not yet acknowledged. */
    public long running() {
        return streams.stream().mapToLong(StreamBacklog::unacknowledged).sum();
    }

    /** Nodes that take work (neither draining nor blocked). */
    public List<NodeView> activeNodes() {
        return nodes.stream().filter(n -> !n.draining() && !n.blocked()).toList();
    }

    /** Σ mpps of the active nodes: the seed's max_workers. */
    public int capacity() {
        return activeNodes().stream().mapToInt(NodeView::mpps).sum();
    }

    /** Streams that have jobs queued or running. */
    public long busyStreams() {
        return streams.stream().filter(s -> s.ready() + s.unacknowledged() > 0).count();
    }

    /** Jobs finishing per second, over all streams. */
    public double ackRate() {
        return streams.stream().mapToDouble(StreamBacklog::ackRate).sum();
    }
}
