package io.impetus.coordinator;

import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator tells every node on the events exchange: stream changes and accepted cancels. Each is
 * signed and stamped, since a node believes only the coordinator's word on a stream's limits and state and
 * stops a job only on it. Not persistent: a failed publish is logged, and nodes learn the state from the
 * control calls ({@code get_stream}, {@code list_cancels}). Thread-safe.
 */
final class Announcements {
    private static final Logger log = LoggerFactory.getLogger(Announcements.class);

    private final RepairingPublisher publisher;
    private final Topology topology;
    private final SigningKey key;
    private final Clock clock;
    /** Declares the events exchange again when a publish finds it missing. */
    private final Runnable repair;

    Announcements(RepairingPublisher publisher, Topology topology, SigningKey key, Clock clock, Runnable repair) {
        this.publisher = publisher;
        this.topology = topology;
        this.key = key;
        this.clock = clock;
        this.repair = repair;
    }

    /** A stream's change ({@code stream.created|updated|closed}). */
    void stream(String routingKey, StreamInfo stream) {
        publish(routingKey, Json.write(stream)).exceptionally(e -> {
            log.warn("event {} for stream {} not published: {}", routingKey, stream.id(), e.getMessage());
            return null;
        });
    }

    /** A cancel, to every node. */
    void cancel(JobCancel cancel) {
        publish(Topology.JOB_CANCEL, Json.write(cancel)).exceptionally(e -> {
            log.warn("cancel of {} not announced: {}; nodes learn it from list_cancels", cancel, e.getMessage());
            return null;
        });
    }

    private CompletableFuture<Void> publish(String routingKey, byte[] body) {
        return publisher.publish(OutboundMessage.to(topology.eventsExchange(), routingKey).body(body)
                .headers(Signatures.eventHeaders(key, routingKey, body, clock))
                .type(routingKey).persistent(false).mandatory(false).build(), repair);
    }
}
