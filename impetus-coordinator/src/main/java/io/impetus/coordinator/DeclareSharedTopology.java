package io.impetus.coordinator;

import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.broker.Broker;
import io.impetus.core.stream.QueueType;
import io.impetus.core.topology.Topology;
import java.time.Duration;

/**
 * Loop step: declares the shared topology (control, delayed, events, dead) and this coordinator's events
 * queue and bindings. Idempotent; run every {@link #EVERY}, at start, and whenever something is found
 * missing, so a queue or exchange deleted by hand is back within seconds. Standby or active.
 */
final class DeclareSharedTopology {
    static final Duration EVERY = Duration.ofSeconds(5);

    private final StreamTopology streams;
    private final Broker broker;
    private final Topology topology;
    private final QueueType queueType;
    private final String eventsQueue;

    /**
     * @param queueType the queue type of the control, delayed and dead queues
     * @param eventsQueue this coordinator's own queue of node and scaler events
     */
    DeclareSharedTopology(StreamTopology streams, Broker broker, Topology topology, QueueType queueType,
                          String eventsQueue) {
        this.streams = streams;
        this.broker = broker;
        this.topology = topology;
        this.queueType = queueType;
        this.eventsQueue = eventsQueue;
    }

    void runOnce() {
        streams.declareShared(queueType);
        broker.declareTemporaryQueue(eventsQueue);
        broker.bind(eventsQueue, topology.eventsExchange(), "node.*");
        broker.bind(eventsQueue, topology.eventsExchange(), Topology.SCALER_HEARTBEAT);
        broker.bind(eventsQueue, topology.eventsExchange(), Topology.JOB_CANCEL); // a standby keeps the cancels too
    }
}
