package io.impetus.coordinator.stream;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.topology.Topology;

/** Declares what every installation and every stream needs on the broker. */
public final class StreamTopology {
    private final Broker broker;
    private final Topology topology;

    public StreamTopology(Broker broker, Topology topology) {
        this.broker = broker;
        this.topology = topology;
    }

    /** The control queue, the events exchange and the dead-letter route. */
    public void declareShared() {
        broker.declareQueue(QueueSpec.durable(topology.controlQueue()));
        broker.declareQueue(QueueSpec.durable(topology.delayedQueue()));
        broker.declareExchange(topology.eventsExchange(), ExchangeType.TOPIC, true);
        broker.declareExchange(topology.deadExchange(), ExchangeType.FANOUT, true);
        broker.declareQueue(QueueSpec.durable(topology.deadQueue()));
        broker.bind(topology.deadQueue(), topology.deadExchange(), "");
    }

    /**
     * Removes a closed stream's jobs queue and results exchange once nothing is left in or on it.
     * Returns true when they are gone (or were never there).
     */
    public boolean removeIfDrained(String stream) {
        String queue = topology.jobsQueue(stream);
        var counts = broker.inspect(queue);
        if (counts.isEmpty()) {
            return true;
        }
        if (counts.get().ready() > 0 || counts.get().consumers() > 0) {
            return false;
        }
        broker.deleteQueue(queue, true);
        broker.deleteExchange(topology.resultsExchange(stream));
        return true;
    }

    /** A stream's priority jobs queue (dead-lettering to the dead route) and results exchange. */
    public void declareStream(String stream, int maxPriority) {
        broker.declareQueue(QueueSpec.durable(topology.jobsQueue(stream), topology.jobsQueueArguments(maxPriority)));
        // topic, not direct: a client binds its exact id, and "impetus watch" can bind "#" to see every result
        broker.declareExchange(topology.resultsExchange(stream), ExchangeType.TOPIC, true);
    }
}
