package io.impetus.coordinator.stream;

import io.impetus.core.broker.Broker;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Clock;
import java.util.List;

/** Declares what every installation and every stream needs on the broker, and removes drained streams. */
public final class StreamTopology {
    private final Broker broker;
    private final Topology topology;
    private final TopologyDeclarer declarer;

    public StreamTopology(Broker broker, Topology topology) {
        this(broker, topology, null, Clock.systemUTC());
    }

    /** Signs the {@code _lost} notices it sends with {@code signingKey} (when not null). */
    public StreamTopology(Broker broker, Topology topology, SigningKey signingKey,
                          Clock clock) {
        this.broker = broker;
        this.topology = topology;
        this.declarer = new TopologyDeclarer(broker, topology, signingKey, clock);
    }

    /** The control queue, the events exchange and the dead-letter route. */
    public void declareShared(QueueType type) {
        declarer.declareShared(type);
    }

    /**
     * Removes a closed stream's jobs queue and results exchange once nothing is left in or on it.
     * Returns true when they are gone (or were never there).
     */
    public boolean removeIfDrained(String stream, StreamProperties props) {
        List<String> queues = topology.jobsQueues(stream, props);
        for (String queue : queues) {
            var counts = broker.inspect(queue);
            if (counts.isPresent() && (counts.get().ready() > 0 || counts.get().consumers() > 0)) {
                return false;
            }
        }
        for (String queue : queues) {
            broker.deleteQueue(queue, true);
        }
        broker.deleteExchange(topology.resultsExchange(stream));
        return true;
    }

    /**
     * Refuses (as an invalid property) a new stream's id whose queue names would pass AMQP's 255 characters
     * with this prefix and a client id of the longest kind, before anything is declared: see
     * {@link Topology#checkStreamId}. A stream that exists already is not checked again.
     */
    public void checkNewStreamId(String stream) {
        try {
            topology.checkStreamId(stream);
        } catch (InvalidPropertyException e) {
            throw new RpcException(RpcError.of(RpcError.Code.INVALID_PROPERTY, e.getMessage()));
        }
    }

    /** A stream's jobs queues (dead-lettering to the dead route) and results exchange. */
    public void declareStream(String stream, StreamProperties props) {
        declarer.declareStream(stream, props);
    }

    /** Whether {@code listed} holds every jobs queue and the results exchange of {@code stream}. */
    public boolean listedWhole(String stream, StreamProperties props, ListedTopology listed) {
        return listed.holds(topology.jobsQueues(stream, props), topology.resultsExchange(stream));
    }

    /** Declares a stream's jobs queues again if one went missing, and tells its clients (see TopologyDeclarer). */
    public boolean redeclareStream(String stream, StreamProperties props) {
        declarer.declareResultsExchange(stream);
        return declarer.redeclareStream(stream, props);
    }
}
