package io.impetus.coordinator.control;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.NodeHeartbeats;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.ScalerReport;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator hears on {@code impetus.events}: the nodes' heartbeats (kept in
 * {@link NodeHeartbeats}, the record the scaler keeps too) and the scaler's report.
 */
public final class NodeRegistry {
    public static final Duration EXPIRY = NodeHeartbeats.EXPIRY;

    private final Clock clock;
    private final SigningKey signingKey;
    private final NodeHeartbeats nodes;
    /** Events accepted within the freshness window: an exact copy published again is ignored. */
    private final ReplayGuard replays;

    public NodeRegistry(Clock clock) {
        this(clock, null);
    }

    /** With {@code signingKey}, node and scaler events not signed with an accepted key, or stale, are ignored. */
    public NodeRegistry(Clock clock, SigningKey signingKey) {
        this.clock = clock;
        this.nodes = new NodeHeartbeats(clock);
        this.signingKey = signingKey;
        this.replays = new ReplayGuard(clock);
    }

    public void heard(NodeStatus status) {
        nodes.heard(status);
    }

    private volatile ScalerReport scaler;

    /** The scaler's report; forgotten when older than {@link #EXPIRY}. */
    public void scaler(ScalerReport report) {
        this.scaler = report;
    }

    public ScalerReport scaler() {
        ScalerReport s = scaler;
        return s == null || nodes.expired(s.sent()) ? null : s;
    }

    public void stopped(String nodeId) {
        nodes.stopped(nodeId);
    }

    /** Nodes heard from within {@link #EXPIRY}, by id. */
    public List<NodeStatus> recent() {
        return nodes.recent();
    }

    /** A node or scaler event from {@code impetus.events}; a malformed one is dropped with one WARN line. */
    public void onEvent(Delivery d) {
        d.ack();
        InboundMessage m = d.message();
        if (signingKey != null) {
            SignatureCheck check = replays.admit(
                    Signatures.eventCheck(signingKey, m, clock), m);
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
            } // job.cancel: the coordinators' own announcements; every coordinator reads the cancels from the store
        } catch (ImpetusException e) {
            log.warn("ignored a malformed event ({}): {}", m.routingKey(), e.getMessage());
        }
    }

    private static final WireCodec WIRE = WireCodec.standard();
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
}
