package io.impetus.coordinator.control;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.cancel.KnownJobs;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobChecks;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts {@code cancel_jobs} for {@link ControlHandler}: a cancel of one job or of every job of a stream so far, by
 * the stream's creator or the admin, recorded in the store for nodes that start later (and coordinators that take
 * the lease later), then announced to the nodes running now. A job must be one the coordinator sees in the stream
 * ({@link KnownJobs}: running, delayed, waiting for other jobs), else it is refused and nothing changes, unless the
 * caller vouches that it is queued (the client API, which checks that the job is its own and outstanding;
 * {@code impetus cancel --queued}).
 */
final class CancelControl {
    private static final Logger log = LoggerFactory.getLogger(CancelControl.class);

    private final StreamControl streams;
    private final CancelList cancels;
    private final KnownJobs knownJobs;
    private final Clock clock;
    private volatile Consumer<JobCancel> announcer = c -> { };

    CancelControl(StreamControl streams, CancelList cancels, KnownJobs knownJobs, Clock clock) {
        this.streams = streams;
        this.cancels = cancels;
        this.knownJobs = knownJobs;
        this.clock = clock;
    }

    /** Where an accepted cancel is announced to the nodes. */
    void announceWith(Consumer<JobCancel> announcer) {
        this.announcer = announcer;
    }

    JobCancel cancel(ControlRequest.CancelJobs r, Caller caller) {
        String id = StreamControl.checkedId(r.stream());
        String job;
        try {
            job = r.job() == null ? null : JobChecks.checkId(JobCancel.checkedJobId(r.job()));
        } catch (RuntimeException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "cancel_jobs: " + e.getMessage()));
        }
        StreamInfo stream = streams.existing(id);
        CreatorRule.require(stream, r.client(), caller, "cancel jobs of");
        if (job != null && !r.vouched()) {
            requireLive(id, job);
        }
        // to the millisecond: as nodes hear it (JSON), as the store keeps it, so every copy is the same cancel
        JobCancel cancel = new JobCancel(id, job, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                caller.admin() ? "the admin" : "client " + r.client());
        cancels.add(cancel); // recorded (fenced) before it is acknowledged and announced: no coordinator's restart forgets it
        log.info("cancel of {} accepted from {} (broker user {})", job == null ? "every job of stream " + id
                + " forked until now" : "job " + job + " of stream " + id, cancel.by(), caller.user());
        announcer.accept(cancel);
        return cancel;
    }

    private void requireLive(String stream, String job) {
        String what = switch (knownJobs.find(stream, job)) {
            case LIVE -> null;
            case ENDED -> "job " + job + " of stream '" + stream + "' has already ended: there is nothing to cancel";
            case OTHER_STREAM -> "job " + job + " is not a job of stream '" + stream + "'";
            case UNSEEN -> "no job " + job + " is running, delayed or waiting for other jobs in stream '" + stream
                    + "'. A job still waiting in the broker's queue is not visible to the coordinator: if you know it"
                    + " is queued, cancel it with --queued (impetus cancel), or from the client that forked it";
        };
        if (what != null) {
            log.info("cancel of job {} of stream {} refused: {}", job, stream, what);
            throw new RpcException(RpcError.of(RpcError.Code.UNKNOWN_JOB, what + "; nothing was cancelled"));
        }
    }
}
