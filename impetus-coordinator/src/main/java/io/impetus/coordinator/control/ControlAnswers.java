package io.impetus.coordinator.control;

import io.impetus.coordinator.store.FencedException;
import io.impetus.coordinator.store.StoreUnavailableException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.CodecException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's answers to control requests: each request decoded, its signature checked, handled
 * by the {@link ControlHandler}, and answered on RabbitMQ's direct reply-to (never into a queue a request
 * names); the delivery acked on every path, a malformed request answered with a typed error, each
 * answer counted ({@code impetus.control.requests{type,outcome}}). Thread-safe.
 */
public final class ControlAnswers {
    private static final Logger log = LoggerFactory.getLogger(ControlAnswers.class);
    static final String DIRECT_REPLY_PREFIX = "amq.rabbitmq.reply-to";
    /**
     * How long a request the store could not be reached for is held before it goes back to the queue: about a
     * lease, so a coordinator cut off from its store has stood by (cancelled its consumer) and the request
     * reaches the one that took the lease, rather than coming straight back here.
     */
    /** How long a request this coordinator may no longer answer waits before it goes back to the queue. */
    static final long HAND_BACK_MS = 500;
    public static final long STORE_RETRY_MS = 3000;

    private final Broker broker;
    private final ControlHandler handler;
    private final SigningKey signingKey;
    private final String adminUser;
    private final MeterRegistry registry;
    private final Clock clock;
    private final WireCodec wire = WireCodec.standard();
    private final Timer later;
    private final BooleanSupplier active;
    private final ReplayGuard replays;

    /**
     * @param signingKey the installation's key, which every request must be signed with; null where it signs nothing
     * @param adminUser the broker user whose requests may do what only an operator may
     */
    public ControlAnswers(Broker broker, ControlHandler handler, SigningKey signingKey, String adminUser,
                          MeterRegistry registry) {
        this(broker, handler, signingKey, adminUser, registry, Clock.systemUTC());
    }

    /** @param clock the time a request's time of signing is held to ({@link Signatures#FRESHNESS}) */
    public ControlAnswers(Broker broker, ControlHandler handler, SigningKey signingKey, String adminUser,
                          MeterRegistry registry, Clock clock) {
        this(broker, handler, signingKey, adminUser, registry, clock, (task, ms) -> task.run(), () -> true);
    }

    /**
     * @param later runs a task after a delay in milliseconds: a request the store could not be reached for
     *     goes back to the queue {@link #STORE_RETRY_MS} later while this coordinator is still active
     * @param active whether this coordinator is the active one now: once it is not, such a request goes back at
     *     once (its consumer is cancelled, so it reaches the one that holds the lease)
     */
    public ControlAnswers(Broker broker, ControlHandler handler, SigningKey signingKey, String adminUser,
                          MeterRegistry registry, Clock clock, Timer later, BooleanSupplier active) {
        this.later = later;
        this.active = active;
        this.clock = clock;
        this.replays = new ReplayGuard(clock);
        this.broker = broker;
        this.handler = handler;
        this.signingKey = signingKey;
        this.adminUser = adminUser;
        this.registry = registry;
    }

    /** Answers one control request; the delivery is acked on every path, a malformed request gets a typed error. */
    public void answer(Delivery d) {
        if (Redeliveries.tooMany(d.message())) {
            // its answer takes the connection down each time (RabbitMQ 3.10 crashes the channel that replies to a
            // direct reply-to whose requester was on a broker node that went away): answered no more, or it would
            // take the coordinator's connection down for ever; the requester is gone with that node
            log.warn("control request {} was delivered {} times without being answered; dropped (its requester's"
                    + " broker connection is most likely gone)", d.message().correlationId(),
                    Redeliveries.count(d.message()));
            d.ack();
            return;
        }
        try {
            reply(d);
        } catch (Throwable t) {
            log.error("control request {} could not be answered", d.message().correlationId(), t);
            d.ack();
        }
    }

    /**
     * Gives a request back to the queue for the coordinator that holds the lease now, a moment later:
     * given back at once, single active consumer hands it straight back to this coordinator while its
     * cancel is still on the way, and after {@link Redeliveries#LIMIT} such returns it would be dropped
     * as a poison request, its client failing after its wait.
     */
    private void handBack(Delivery d) {
        later.schedule(() -> d.reject(true), HAND_BACK_MS);
    }

    private void reply(Delivery d) {
        InboundMessage m = d.message();
        String id = m.correlationId();
        ControlReply reply;
        String type = "unknown"; // a sender's own type header could make any number of series
        try {
            byte[] json = wire.decode(m);
            ControlRequest request = Json.read(json, ControlRequest.class);
            type = request == null ? "unknown" : ControlClient.typeName(request);
            log.debug("control request {} {}", id, m.type());
            RequestSignatures.require(signingKey, request, id, json, m.header(Topology.SIGNATURE_HEADER),
                    m.header(Topology.SIGNED_AT_HEADER), clock, replays, m.redelivered());
            reply = ControlReply.success(id, handler.handle(request, new Caller(m.userId(), adminUser.equals(m.userId()))));
            countRequest(type, "ok");
        } catch (FencedException e) {
            // another coordinator holds the lease now: it answers this request, given back to the queue
            log.info("control request {} ({}) given back to the queue: {}", id, m.type(), e.getMessage());
            handBack(d);
            return;
        } catch (StoreUnavailableException e) {
            // this coordinator is cut off from its store (a partition, a database restart): the one that holds the
            // lease once this one's runs out answers it, rather than its client getting a store error
            countRequest(type, "requeued");
            if (!active.getAsBoolean()) {
                log.warn("control request {} ({}) goes back to the queue for the coordinator that holds the lease now: {}",
                        id, m.type(), e.getMessage());
                handBack(d);
                return;
            }
            log.warn("control request {} ({}) goes back to the queue in {} ms: {}", id, m.type(), STORE_RETRY_MS,
                    e.getMessage());
            later.schedule(() -> d.reject(true), STORE_RETRY_MS);
            return;
        } catch (RpcException e) {
            log.warn("control request {} ({}) refused: {}", id, m.type(), e.getMessage());
            countRequest(type, "refused");
            reply = ControlReply.failure(id, e.error());
        } catch (ImpetusException e) {
            log.warn("control request {} ({}) failed: {}", id, m.type(), e.getMessage());
            countRequest(type, "failed");
            reply = ControlReply.failure(id, RpcError.of(e instanceof CodecException
                    ? RpcError.Code.BAD_REQUEST : RpcError.Code.INTERNAL, e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            log.error("control request {} ({}) failed unexpectedly", id, m.type(), e);
            reply = ControlReply.failure(id, RpcError.of(RpcError.Code.INTERNAL, "coordinator error: " + e));
        }
        if (m.replyTo() == null || !m.replyTo().startsWith(DIRECT_REPLY_PREFIX)) {
            // replies go only to RabbitMQ's direct reply-to: never into a queue a request names
            log.warn("control request {} ({}) has reply_to '{}', not a direct reply-to; answered nowhere", id, m.type(),
                    m.replyTo());
            d.ack();
            return;
        }
        WireCodec.Encoded body = wire.encode(Json.write(reply));
        // not mandatory: RabbitMQ returns a message sent to a direct reply-to address even when it delivers it
        broker.publish(OutboundMessage.toQueue(m.replyTo()).correlationId(id).body(body.body())
                .contentEncoding(body.contentEncoding()).persistent(false).mandatory(false).build())
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        log.warn("reply to {} not delivered: {}", id, e.getMessage());
                    }
                    d.ack();
                });
    }

    private void countRequest(String type, String outcome) {
        Counter.builder("impetus.control.requests")
                .description("Control requests answered, by type and outcome").tag("type", type == null ? "unknown" : type)
                .tag("outcome", outcome).register(registry).increment();
    }
}
