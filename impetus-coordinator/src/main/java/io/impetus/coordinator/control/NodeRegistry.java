package io.impetus.coordinator.control;

import io.impetus.core.codec.WireCodec;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.ScalerReport;
import io.impetus.core.topology.Topology;
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
    private final io.impetus.core.security.SigningKey signingKey;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

    private record Seen(NodeStatus status, Instant at) {
    }

    public NodeRegistry(Clock clock) {
        this(clock, null);
    }

    /** With {@code signingKey}, node and scaler events not signed with an accepted key, or stale, are ignored. */
    public NodeRegistry(Clock clock, io.impetus.core.security.SigningKey signingKey) {
        this.clock = clock;
        this.signingKey = signingKey;
    }

    public void heard(NodeStatus status) {
        nodes.put(status.nodeId(), new Seen(status, clock.instant()));
    }

    private volatile ScalerReport scaler;

    /** The scaler's report; forgotten when older than {@link #EXPIRY}. */
    public void scaler(ScalerReport report) {
        this.scaler = report;
    }

    public ScalerReport scaler() {
        ScalerReport s = scaler;
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

    /** A node or scaler event from {@code impetus.events}; a malformed one is dropped with one WARN line. */
    public void onEvent(io.impetus.core.broker.Delivery d) {
        d.ack();
        io.impetus.core.broker.InboundMessage m = d.message();
        if (signingKey != null) {
            io.impetus.core.security.SignatureCheck check = io.impetus.core.security.Signatures.eventCheck(signingKey, m, clock);
            if (!check.valid()) {
                log.warn("ignored an event ({}) from broker user {}: {}; this installation signs its events", m.routingKey(),
                        m.userId(), check.reason());
                return;
            }
        }
        try {
            if (Topology.SCALER_HEARTBEAT.equals(m.routingKey())) {
                scaler(ScalerReport.checked(WIRE.read(m, ScalerReport.class)));
            } else if (Topology.NODE_STOPPED.equals(m.routingKey())) {
                stopped(NodeStatus.checked(WIRE.read(m, NodeStatus.class)).nodeId());
            } else if (Topology.NODE_HEARTBEAT.equals(m.routingKey()) || Topology.NODE_DRAINING.equals(m.routingKey())) {
                heard(NodeStatus.checked(WIRE.read(m, NodeStatus.class)));
            } else if (Topology.JOB_CANCEL.equals(m.routingKey())) {
                cancelHeard.accept(WIRE.read(m, io.impetus.core.job.JobCancel.class)); // a standby keeps it too
            }
        } catch (io.impetus.core.error.ImpetusException e) {
            log.warn("ignored a malformed event ({}): {}", m.routingKey(), e.getMessage());
        }
    }

    private volatile java.util.function.Consumer<io.impetus.core.job.JobCancel> cancelHeard = c -> { };

    /** Told of each signed cancel announced on the events exchange (by this coordinator or another). */
    public void onCancelHeard(java.util.function.Consumer<io.impetus.core.job.JobCancel> listener) {
        this.cancelHeard = listener;
    }

    private static final WireCodec WIRE = WireCodec.standard();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NodeRegistry.class);
}
