package io.impetus.worker;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node makes of a message on its events queue: a stream's new state (created, updated,
 * closed), a cancel of jobs, a drain request for this node, or nothing (with one WARN line saying why). Where the
 * installation has a key only what is signed with an accepted key within the freshness window is
 * believed: a broker login alone must not set a stream's {@code jobTimeout} or {@code maxAttempts},
 * lift its {@code maxRate}, close it, cancel its jobs, or drain a node. Thread-safe.
 */
final class NodeEvents {
    private static final Logger log = LoggerFactory.getLogger(NodeEvents.class);

    /** What an event asks of the node. */
    sealed interface Event permits Drain, StreamState, Cancel, Ignored {
    }

    /** The coordinator accepted a cancel of one job or of a stream's jobs. */
    record Cancel(JobCancel cancel) implements Event {
    }

    record Drain() implements Event {
    }

    record StreamState(String routingKey, StreamInfo stream) implements Event {
    }

    record Ignored(String reason) implements Event {
    }

    private final String nodeId;
    private final SigningKey key;
    private final Clock clock;
    /** Events accepted within the freshness window: an exact copy published again is ignored. */
    private final ReplayGuard replays;

    NodeEvents(String nodeId, SigningKey key, Clock clock) {
        this.nodeId = nodeId;
        this.key = key;
        this.clock = clock;
        this.replays = new ReplayGuard(clock);
    }

    Event read(InboundMessage m) {
        if (key != null) {
            SignatureCheck check = replays.admit(Signatures.eventCheck(key, m, clock), m);
            if (!check.valid()) {
                log.warn("ignored an event ({}) from broker user {}: {}; this installation signs its events",
                        m.routingKey(), m.userId(), check.reason());
                return new Ignored(check.reason());
            }
        }
        if (Topology.nodeDrainKey(nodeId).equals(m.routingKey())) {
            return new Drain();
        }
        if (Topology.JOB_CANCEL.equals(m.routingKey())) {
            try {
                return new Cancel(Json.read(m.body(), JobCancel.class));
            } catch (RuntimeException e) {
                log.warn("ignored a malformed cancel: {}", e.getMessage());
                return new Ignored("malformed: " + e.getMessage());
            }
        }
        try {
            return new StreamState(m.routingKey(), StreamInfo.checked(Json.read(m.body(), StreamInfo.class)));
        } catch (ImpetusException e) {
            log.warn("ignored a malformed stream event ({}): {}", m.routingKey(), e.getMessage());
            return new Ignored("malformed: " + e.getMessage());
        }
    }
}
