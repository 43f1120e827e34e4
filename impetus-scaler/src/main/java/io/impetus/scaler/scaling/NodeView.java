package io.impetus.scaler.scaling;

import io.impetus.core.rpc.NodeStatus;
import java.time.Instant;

/**
 * What the scaler knows of one node, from its heartbeats.
 *
 * @param nodeId the node's id
 * @param mpps its worker processes per stream
 * @param streams streams it tracks
 * @param busy workers running a job
 * @param lastActivity when it last ran a job
 * @param draining whether it takes no new jobs
 * @param blocked whether a job reported it blocked
 */
public record NodeView(String nodeId, int mpps, int streams, int busy, Instant lastActivity, boolean draining,
                       boolean blocked) {

    /** The view of a node's latest heartbeat. */
    public static NodeView of(NodeStatus s) {
        return new NodeView(s.nodeId(), s.mpps(), s.streams().size(), s.busyWorkers(), s.lastActivity(), s.draining(),
                s.blocked());
    }
}
