package io.impetus.core.topology;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueSpec;

/**
 * Declares Impetus's queues, exchanges and bindings: the one place that knows their arguments.
 * Every declaration is idempotent, so a process that finds one missing (a publish returned or
 * refused with 404, a consumer cancelled) declares it again and carries on. The coordinator
 * owns the topology and declares all of it; a node or client declares what it publishes to.
 */
public final class TopologyDeclarer {
    private final Broker broker;
    private final Topology topology;

    public TopologyDeclarer(Broker broker, Topology topology) {
        this.broker = broker;
        this.topology = topology;
    }

    public Topology topology() {
        return topology;
    }

    /** The control and delayed queues, the events exchange and the dead-letter route. */
    public void declareShared() {
        broker.declareQueue(QueueSpec.durable(topology.controlQueue()));
        broker.declareQueue(QueueSpec.durable(topology.delayedQueue()));
        declareEvents();
        declareDead();
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
        } catch (io.impetus.core.error.BrokerException e) {
            if (e.kind() != io.impetus.core.error.BrokerException.Kind.ACCESS_REFUSED) {
                throw e;
            }
        }
    }

    /** The dead-letter exchange and the queue that keeps dead letters for a person. */
    public void declareDead() {
        broker.declareExchange(topology.deadExchange(), ExchangeType.FANOUT, true);
        broker.declareQueue(QueueSpec.durable(topology.deadQueue()));
        broker.bind(topology.deadQueue(), topology.deadExchange(), "");
    }

    /** A stream's priority jobs queue (dead-lettering to the dead route) and results exchange. */
    public void declareStream(String stream, int maxPriority) {
        broker.declareQueue(QueueSpec.durable(topology.jobsQueue(stream), topology.jobsQueueArguments(maxPriority)));
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
    public void declareResults(String stream, String client) {
        try {
            declareResultsExchange(stream);
        } catch (io.impetus.core.error.BrokerException e) {
            if (e.kind() != io.impetus.core.error.BrokerException.Kind.ACCESS_REFUSED) {
                throw e;
            }
            // a client's or node's role may not declare exchanges: the coordinator made (and remakes) it
        }
        declareResultsQueue(stream, client);
    }

    /** A client's results queue and its bindings, on a results exchange that exists. */
    public void declareResultsQueue(String stream, String client) {
        String queue = topology.resultsQueue(stream, client);
        broker.declareQueue(QueueSpec.durable(queue));
        broker.bind(queue, topology.resultsExchange(stream), topology.resultRoutingKey(client));
        broker.bind(queue, topology.resultsExchange(stream), Topology.LOST_KEY);
    }

    /**
     * Declares a stream's jobs queue again if it is missing (deleted by hand, with whatever jobs it
     * held) and then tells the stream's clients, which send their outstanding jobs again. Returns
     * whether it was missing.
     */
    public boolean redeclareStream(String stream, int maxPriority) {
        if (broker.inspect(topology.jobsQueue(stream)).isPresent()) {
            return false;
        }
        declareStream(stream, maxPriority);
        broker.publish(OutboundMessage.to(topology.resultsExchange(stream), Topology.LOST_KEY).type(Topology.LOST_TYPE)
                .body(stream.getBytes(java.nio.charset.StandardCharsets.UTF_8)).mandatory(false).build());
        return true;
    }
}
