package io.impetus.cli;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobStatus;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.topology.Topology;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the results a stream's results exchange carries, as {@code impetus watch} sees them: a
 * result message is one job (an error if its type says so); a batch message is as many jobs as it
 * holds, each counted by its own status; the notice that a jobs queue was lost, and a running job's
 * update (progress, output), are no result.
 */
final class ResultTally {
    private final WireCodec wire = WireCodec.standard();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();

    /** Counts one message from the results exchange. */
    void count(InboundMessage m) {
        if (Topology.LOST_TYPE.equals(m.type()) || JobUpdate.TYPE.equals(m.type())) {
            return; // a lost queue's notice, a running job's update: no result
        }
        if (!JobParts.isBatch(m)) {
            ("error".equals(m.type()) ? errors : done).incrementAndGet();
            return;
        }
        try {
            for (JobEnvelope job : JobParts.jobs(m, wire)) {
                (job.status() == JobStatus.ERROR ? errors : done).incrementAndGet();
            }
        } catch (RuntimeException e) {
            unreadable.incrementAndGet(); // the client it was sent to dead-letters it; here it is no result
        }
    }

    long done() {
        return done.get();
    }

    long errors() {
        return errors.get();
    }

    /** Batches that could not be read (not counted as results). */
    long unreadable() {
        return unreadable.get();
    }
}
