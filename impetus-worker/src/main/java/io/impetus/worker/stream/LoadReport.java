package io.impetus.worker.stream;

import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What one stream's workers do, as it is read off the stream's mailbox: its load (the heartbeat, the
 * node's slot hints), its jobs in flight (the metrics) and its running jobs with their latest progress
 * and output tail (the heartbeat). Written only by steps on the mailbox ({@link #publish}); read from
 * any thread.
 */
final class LoadReport {
    private volatile NodeStatus.StreamLoad load = new NodeStatus.StreamLoad(0, 0);
    private volatile int inFlight;
    private volatile List<JobUpdate> jobs = List.of();

    /** From a step: what {@code s} is now becomes what others read. */
    void publish(StreamState s) {
        WorkerPool pool = s.pool;
        load = new NodeStatus.StreamLoad(pool.workers(), pool.busy());
        inFlight = s.buffer.size() + pool.busy();
        List<JobUpdate> now = new ArrayList<>(pool.busy());
        pool.busyWorkers().forEach((w, r) -> {
            JobEnvelope job = r.pending.job();
            now.add(new JobUpdate(job.id(), s.stream, job.client(), job.name(), s.ctx.nodeId(), w.pid(), r.fraction,
                    r.message, r.outputTail.length() == 0 ? null : r.outputTail.toString(), r.started));
        });
        jobs = now;
    }

    NodeStatus.StreamLoad load() {
        return load;
    }

    /** Jobs taken from the queue and not yet settled: waiting in the buffer or running. */
    int inFlight() {
        return inFlight;
    }

    /** The jobs this stream's workers run, with their latest progress and output tail (for the heartbeat). */
    List<JobUpdate> jobs() {
        return jobs;
    }
}
