package io.impetus.core.rpc;

import io.impetus.core.error.CodecException;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.stream.StreamId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a node reports about itself in every heartbeat.
 *
 * @param nodeId unique node id (host and pid)
 * @param host the node's host name
 * @param pid the node's process id
 * @param mpps most worker processes per stream
 * @param streams per stream the node tracks: its workers and busy workers
 * @param started when the node started
 * @param lastActivity when it last ran a job
 * @param draining whether it is draining (taking no new jobs)
 * @param blocked whether a job reported the node blocked and it asks to be replaced
 * @param sent when this report was made
 * @param insecure whether it runs jobs without checking their signatures ({@code --insecure-no-signing})
 * @param jobs the jobs its workers run now, each with its latest progress and the tail of its output
 *     (at most {@link #MAX_JOBS_REPORTED})
 */
public record NodeStatus(
        String nodeId,
        String host,
        long pid,
        int mpps,
        Map<String, StreamLoad> streams,
        Instant started,
        Instant lastActivity,
        boolean draining,
        boolean blocked,
        Instant sent,
        boolean insecure,
        List<JobUpdate> jobs) {
    /** The most running jobs a heartbeat lists. */
    public static final int MAX_JOBS_REPORTED = 100;
    /** The most characters of a running job's output a heartbeat carries (its tail). */
    public static final int MAX_OUTPUT_REPORTED = 2048;

    public NodeStatus {
        streams = streams == null ? Map.of() : Map.copyOf(streams);
        jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }

    public NodeStatus(String nodeId, String host, long pid, int mpps, Map<String, StreamLoad> streams, Instant started,
                      Instant lastActivity, boolean draining, boolean blocked, Instant sent, boolean insecure) {
        this(nodeId, host, pid, mpps, streams, started, lastActivity, draining, blocked, sent, insecure, null);
    }

    public NodeStatus(String nodeId, String host, long pid, int mpps, Map<String, StreamLoad> streams, Instant started,
                      Instant lastActivity, boolean draining, boolean blocked, Instant sent) {
        this(nodeId, host, pid, mpps, streams, started, lastActivity, draining, blocked, sent, false);
    }

    /** A node's load on one stream. */
    public record StreamLoad(int workers, int busy) {
    }

    public int totalWorkers() {
        return streams.values().stream().mapToInt(StreamLoad::workers).sum();
    }

    public int busyWorkers() {
        return streams.values().stream().mapToInt(StreamLoad::busy).sum();
    }

    /** {@code s} if it names a node and says when it was sent, else a {@code CodecException}. */
    public static NodeStatus checked(NodeStatus s) {
        if (s == null || s.sent() == null || s.streams() == null) {
            throw new CodecException("a node event needs a nodeId, streams and sent", null);
        }
        try {
            StreamId.check("node", s.nodeId());
        } catch (RuntimeException e) {
            throw new CodecException(e.getMessage(), e);
        }
        return s;
    }
}
