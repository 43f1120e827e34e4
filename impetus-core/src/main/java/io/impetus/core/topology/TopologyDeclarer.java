package io.impetus.core.topology;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares Impetus's queues, exchanges and bindings: the one place that knows their arguments.
 * Every declaration is idempotent, so a process that finds one missing (a publish returned or
 * refused with 404, a consumer cancelled) declares it again and carries on. The coordinator
 * owns the topology and declares all of it; a node or client declares what it publishes to.
 */
public final class TopologyDeclarer {
    private static final Logger log = LoggerFactory.getLogger(TopologyDeclarer.class);
    /** The most dead letters waiting for the coordinator to tell their clients; the oldest go first. */
    static final int DEAD_WATCH_MAX = 100_000;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** How long a client's results queue may stay unused before RabbitMQ deletes it, unless chosen. */
    public static final Duration DEFAULT_RESULTS_EXPIRY = Duration.ofDays(7);
    private final Broker broker;
    private final Topology topology;
    private final SigningKey signingKey;
    private final Clock clock;
    private final Duration resultsExpiry;
    /** Results queues found made without this expiry (406 when declared with it): declared as they are from then on. */
    private final Set<String> resultsAsTheyAre = ConcurrentHashMap.newKeySet();

    /** A declarer whose {@code _lost} notices are unsigned (for an installation without a signing key). */
    public TopologyDeclarer(Broker broker, Topology topology) {
        this(broker, topology, null, Clock.systemUTC());
    }

    /** A declarer that signs its {@code _lost} notices with {@code signingKey} (when not null), stamped by {@code clock}. */
    public TopologyDeclarer(Broker broker, Topology topology, SigningKey signingKey, Clock clock) {
        this(broker, topology, signingKey, clock, DEFAULT_RESULTS_EXPIRY);
    }

    /**
     * A declarer that signs as above and makes results queues that expire after {@code resultsExpiry}
     * unused (null or zero: never).
     */
    public TopologyDeclarer(Broker broker, Topology topology, SigningKey signingKey, Clock clock,
                            Duration resultsExpiry) {
        this.broker = broker;
        this.topology = topology;
        this.signingKey = signingKey;
        this.clock = clock;
        this.resultsExpiry = resultsExpiry;
    }

    public Topology topology() {
        return topology;
    }

    /** {@link #declareShared(QueueType)} with classic queues. */
    public void declareShared() {
        declareShared(QueueType.CLASSIC);
    }

    /**
     * The control and delayed queues (single active consumer: one coordinator takes requests at a
     * time, the others wait), the events exchange and the dead-letter route, the queues of
     * {@code type}. A queue found with other arguments (made by an earlier version, or with another
     * type) is made again when it is empty and unconsumed; otherwise it is used as it is, and the log
     * says how to change it.
     */
    public void declareShared(QueueType type) {
        declareOwned(QueueSpec.durable(topology.controlQueue(), Topology.singleConsumerArguments(type)));
        declareOwned(QueueSpec.durable(topology.delayedQueue(), Topology.singleConsumerArguments(type)));
        declareOwned(QueueSpec.durable(topology.doneQueue(), Topology.singleConsumerArguments(type)));
        declareEvents();
        broker.declareExchange(topology.deadExchange(), ExchangeType.FANOUT, true);
        declareOwned(QueueSpec.durable(topology.deadQueue(), type == QueueType.CLASSIC ? Map.of()
                : Map.of("x-queue-type", type.wireName())));
        broker.bind(topology.deadQueue(), topology.deadExchange(), "");
        declareOwned(QueueSpec.durable(topology.deadWatchQueue(), deadWatchArguments(type)));
        broker.bind(topology.deadWatchQueue(), topology.deadExchange(), "");
    }

    /** The dead-watch queue: bounded (a coordinator down for long must not let it grow without end), of {@code type}. */
    static Map<String, Object> deadWatchArguments(QueueType type) {
        Map<String, Object> args = new HashMap<>(Map.of("x-max-length", DEAD_WATCH_MAX, "x-overflow", "drop-head"));
        if (type != QueueType.CLASSIC) {
            args.put("x-queue-type", type.wireName());
        }
        return Map.copyOf(args);
    }

    private void declareOwned(QueueSpec spec) {
        try {
            broker.declareQueue(spec);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.PRECONDITION_FAILED) {
                throw e;
            }
            QueueCounts counts = broker.inspect(spec.name()).orElse(null);
            if (counts != null && counts.ready() == 0 && counts.consumers() == 0) {
                broker.deleteQueue(spec.name(), true);
                broker.declareQueue(spec);
                log.warn("queue {} had other arguments (an earlier version's, or another queue type); it was empty,"
                        + " so it was made again with {}", spec.name(), spec.arguments());
            } else if (warned.add(spec.name())) {
                log.error("queue {} exists with other arguments than {} and is in use ({}); it is used as it is."
                        + " To change it, stop every coordinator, let it empty, delete it in the management UI and start"
                        + " a coordinator again", spec.name(), spec.arguments(), counts);
            }
        }
    }

    /** Declares a queue a process needs; one that exists with other arguments is there, and is used as it is. */
    private void declareExisting(QueueSpec spec) {
        try {
            broker.declareQueue(spec);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.PRECONDITION_FAILED) {
                throw e;
            }
            log.debug("queue {} exists with other arguments; used as it is", spec.name());
        }
    }

    public void declareEvents() {
        broker.declareExchange(topology.eventsExchange(), ExchangeType.TOPIC, true);
    }

    /**
     * The events exchange, where this process's role may declare it (a node or scaler logged in as
     * its least-privilege user may not: the coordinator declares it, and again when it is missing).
     */
    public void declareEventsIfAllowed() {
        try {
            declareEvents();
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.ACCESS_REFUSED) {
                throw e;
            }
        }
    }

    /** The dead-letter exchange and the queue that keeps dead letters for a person. */
    public void declareDead() {
        broker.declareExchange(topology.deadExchange(), ExchangeType.FANOUT, true);
        declareExisting(QueueSpec.durable(topology.deadQueue()));
        broker.bind(topology.deadQueue(), topology.deadExchange(), "");
    }

    /**
     * A stream's jobs queues (one priority queue, or a quorum stream's band queues; dead-lettering to
     * the dead route) and its results exchange.
     */
    public void declareStream(String stream, StreamProperties props) {
        for (String queue : topology.jobsQueues(stream, props)) {
            declareExisting(QueueSpec.durable(queue, topology.jobsQueueArguments(props)));
        }
        declareResultsExchange(stream);
    }

    /** Topic, not direct: a client binds its exact id, and "impetus watch" can bind "#" to see every result. */
    public void declareResultsExchange(String stream) {
        broker.declareExchange(topology.resultsExchange(stream), ExchangeType.TOPIC, true);
    }

    /**
     * A client's durable results queue on a stream, bound to the stream's results exchange for its
     * own results and for the stream's {@link Topology#LOST_KEY} notices.
     */
    public void declareResults(String stream, String client, QueueType type) {
        try {
            declareResultsExchange(stream);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.ACCESS_REFUSED) {
                throw e;
            }
            // a client's or node's role may not declare exchanges: the coordinator made (and remakes) it
        }
        declareResultsQueue(stream, client, type);
    }

    /** A client's results queue and its bindings, on a results exchange that exists. */
    public void declareResultsQueue(String stream, String client, QueueType type) {
        String queue = topology.resultsQueue(stream, client);
        declareResultsQueueItself(queue, type);
        broker.bind(queue, topology.resultsExchange(stream), topology.resultRoutingKey(client));
        broker.bind(queue, topology.resultsExchange(stream), Topology.LOST_KEY);
    }

    /**
     * Declares a results queue with this process's expiry. One that exists without it (made before
     * results queues expired, or with another expiry) answers 406; it is then declared with the
     * arguments it was made with, or, failing that, used as it is — and declared so from then on,
     * so a periodic check does not pay a refused declare (and a closed channel) every pass.
     */
    private void declareResultsQueueItself(String queue, QueueType type) {
        if (resultsAsTheyAre.contains(queue)) {
            declareExisting(QueueSpec.durable(queue, Topology.resultsQueueArguments(type)));
            return;
        }
        try {
            broker.declareQueue(QueueSpec.durable(queue, Topology.resultsQueueArguments(type, resultsExpiry)));
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.PRECONDITION_FAILED) {
                throw e;
            }
            resultsAsTheyAre.add(queue);
            declareExisting(QueueSpec.durable(queue, Topology.resultsQueueArguments(type)));
            log.info("results queue {} exists without x-expires {} (made by an earlier version, or with another expiry);"
                    + " used as it is. A policy can make such queues expire: see docs/OPERATIONS.md, Results queues",
                    queue, resultsExpiry);
        }
    }

    /**
     * Declares a stream's jobs queue again if it is missing (deleted by hand, with whatever jobs it
     * held) and then tells the stream's clients, which send their outstanding jobs again (signed, where
     * this declarer has a key: a client of an installation with a key ignores an unsigned notice). Returns
     * whether it was missing.
     */
    public boolean redeclareStream(String stream, StreamProperties props) {
        boolean missing = false;
        for (String queue : topology.jobsQueues(stream, props)) {
            missing |= broker.inspect(queue).isEmpty();
        }
        if (!missing) {
            return false;
        }
        declareStream(stream, props);
        byte[] body = stream.getBytes(StandardCharsets.UTF_8);
        broker.publish(OutboundMessage.to(topology.resultsExchange(stream), Topology.LOST_KEY).type(Topology.LOST_TYPE)
                .body(body).headers(Signatures.eventHeaders(signingKey, Topology.LOST_KEY, body, clock))
                .mandatory(false).build());
        return true;
    }
}
