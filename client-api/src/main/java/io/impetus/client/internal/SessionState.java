package io.impetus.client.internal;

import io.impetus.core.broker.Broker;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the parts of one {@link ClientSession} share: who the client is, its broker seams, and the
 * state of its streams and jobs. Made once per session; every collection in it is thread-safe.
 *
 * @param streams each open stream, by id, as the coordinator last described it
 * @param sinks where each open stream's results go
 * @param delivered ids of the jobs whose outcome is in (a result, or an end without one): a repeat is dropped
 * @param sentBefore ids of jobs an earlier run with this client id sent (its fork journal): adopted, not sent again
 * @param backlog results that waited on the results queues when their streams were opened, not yet received
 */
record SessionState(String clientId, Clock clock, SigningKey signingKey, Broker broker, Topology topology,
                    ControlClient control, TopologyDeclarer declarer, Reservations reservations, ClientMeters meters,
                    JobDeadlines deadlines, Map<String, StreamInfo> streams, Map<String, ResultSink> sinks,
                    IdSet delivered, Set<String> sentBefore, AtomicLong backlog) {

    /** A new session's state: no stream open, no job forked. */
    static SessionState of(String clientId, Clock clock, SigningKey signingKey, Broker broker, Topology topology,
                           ControlClient control, TopologyDeclarer declarer, Reservations reservations,
                           ClientMeters meters, JobDeadlines deadlines) {
        return new SessionState(clientId, clock, signingKey, broker, topology, control, declarer, reservations, meters,
                deadlines, new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new IdSet(),
                ConcurrentHashMap.newKeySet(), new AtomicLong());
    }

    /** Stream {@code stream} as opened here. */
    StreamInfo stream(String stream) {
        StreamInfo s = streams.get(stream);
        if (s == null) {
            throw new IllegalStateException("stream " + stream + " is not open in this client; open it first");
        }
        return s;
    }
}
