package io.impetus.worker.stream;

import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.worker.protocol.WorkerUpdate;
import java.time.Duration;
import java.time.Instant;

/**
 * What a node keeps and sends on of a running job's updates: its latest progress and the tail of its output
 * are kept for the heartbeat; an update is sent on to the client unless it is progress only and came sooner
 * than {@link #MIN_PROGRESS_INTERVAL} after the last one sent, and at most {@link #MAX_OUTPUT_FORWARDED} of a
 * job's output is sent on. A step of the stream's mailbox: not thread-safe.
 */
final class WorkerUpdates {
    /** The most output of one job the node sends on (a worker not written in Java may not bound it). */
    static final long MAX_OUTPUT_FORWARDED = 256 * 1024;
    /** Updates with only progress closer together than this are kept for the heartbeat, not sent on. */
    static final Duration MIN_PROGRESS_INTERVAL = Duration.ofMillis(200);

    private WorkerUpdates() {
    }

    /**
     * Keeps {@code u} in {@code r} and returns the update to send on, or {@code null} when there is none.
     *
     * @throws IllegalArgumentException when the update's progress is not a fraction (nothing is kept)
     */
    static JobUpdate take(WorkerPool.Running r, WorkerUpdate u, Instant now, String stream, String nodeId, long pid) {
        if (u.fraction() != null) {
            double fraction = JobUpdate.checkedFraction(u.fraction());
            r.message = JobUpdate.cutMessage(u.message());
            r.fraction = fraction;
        }
        String output = u.output();
        if (output != null) {
            r.outputTail.append(output);
            int over = r.outputTail.length() - NodeStatus.MAX_OUTPUT_REPORTED;
            if (over > 0) {
                r.outputTail.delete(0, over);
            }
            long room = MAX_OUTPUT_FORWARDED - r.outputForwarded;
            output = room <= 0 ? null : output.length() > room ? output.substring(0, (int) room) : output;
            r.outputForwarded += output == null ? 0 : output.length();
        }
        boolean tooSoon = r.lastUpdateSent != null
                && Duration.between(r.lastUpdateSent, now).compareTo(MIN_PROGRESS_INTERVAL) < 0;
        if (output == null && (u.fraction() == null || tooSoon)) {
            return null;
        }
        r.lastUpdateSent = now;
        JobEnvelope job = r.pending.job();
        return new JobUpdate(job.id(), stream, job.client(), job.name(), nodeId, pid,
                u.fraction() != null ? r.fraction : null, u.fraction() != null ? r.message : null, output, now);
    }
}
