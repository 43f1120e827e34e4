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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator tells every node and client on the events exchange: stream events and job cancels, signed
 * and stamped (a node believes only the coordinator's word on a stream's limits and state, and stops a job only on
 * it). A missing exchange is declared again ({@code repair}) and the message sent once more; one not sent is
 * logged. Thread-safe.
 */
final class Announcements {
    private static final Logger log = LoggerFactory.getLogger(Announcements.class);

    private final RepairingPublisher publisher;
    private final Topology topology;
    private final SigningKey key;
    private final Clock clock;
    private final Runnable repair;
    private final Consumer<String> reopened;

    /** @param reopened told the id of each stream announced open (it is no longer drained) */
    Announcements(RepairingPublisher publisher, Topology topology, SigningKey key, Clock clock, Runnable repair,
                  Consumer<String> reopened) {
        this.publisher = publisher;
        this.topology = topology;
        this.key = key;
        this.clock = clock;
        this.repair = repair;
        this.reopened = reopened;
    }

    /** A stream event ({@code routingKey}) for {@code stream}. */
    void stream(String routingKey, StreamInfo stream) {
        if (stream.isOpen()) {
            reopened.accept(stream.id());
        }
        publish(routingKey, Json.write(stream), "event " + routingKey + " for stream " + stream.id() + " not published");
    }

    /** A cancel goes to every node; nodes that miss it learn it from {@code list_cancels}. */
    void cancel(JobCancel cancel) {
        publish(Topology.JOB_CANCEL, Json.write(cancel), "cancel of " + cancel + " not announced");
    }

    private void publish(String routingKey, byte[] body, String failed) {
        publisher.publish(OutboundMessage.to(topology.eventsExchange(), routingKey).body(body)
                .headers(Signatures.eventHeaders(key, routingKey, body, clock))
                .type(routingKey).persistent(false).mandatory(false).build(), repair)
                .exceptionally(e -> {
                    log.warn("{}: {}{}", failed, e.getMessage(),
                            Topology.JOB_CANCEL.equals(routingKey) ? "; nodes learn it from list_cancels" : "");
                    return null;
                });
    }
}
