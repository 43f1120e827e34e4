package io.impetus.client.internal;

import io.impetus.client.ResultDeadlineException;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs that end here without their result: cancelled, past their deadline, or never sent. Each
 * ends once, as an error result in its stream's sink, freeing its outstanding place; a result of
 * it that comes later is dropped as a repeat. Thread-safe.
 */
final class UnansweredJobs {
    private static final Logger log = LoggerFactory.getLogger(UnansweredJobs.class);

    private final SessionState state;
    private JobSender sender;

    UnansweredJobs(SessionState state) {
        this.state = state;
    }

    /** The sender of the session's jobs (made after this, as it tells this of the jobs it could not send). */
    void sender(JobSender sender) {
        this.sender = sender;
    }

    /** See {@link ClientSession#failOverdue}. */
    void failOverdue() {
        JobDeadlines deadlines = state.deadlines();
        for (JobEnvelope job : deadlines.overdue()) {
            log.warn("stream {}: no result of job {} ({}) within {}; it fails here, though it may still run on a node"
                    + " (see README, Client options: jobDeadline)", job.stream(), job.id(), job.name(),
                    deadlines.deadline());
            sender.done(job.id());
            ended(job, new ResultDeadlineException(job.id(), deadlines.deadline()));
        }
    }

    /** See {@link ClientSession#cancel}. */
    boolean cancel(String jobId) {
        JobCancel.checkedJobId(jobId);
        if (state.delivered().contains(jobId)) {
            return false;
        }
        JobEnvelope job = sender.outstanding(jobId).orElseThrow(() -> new IllegalArgumentException("job " + jobId
                + " is not a job of client " + state.clientId() + " still waiting for its result (unknown, or already ended)"));
        JobCancel cancel = state.control().call(
                new ControlRequest.CancelJobs(job.stream(), jobId, state.clientId(), true), JobCancel.class);
        boolean ended = ended(job, new CancellationException("job " + jobId
                + " cancelled by " + cancel.by()), cancel.error(job.name()));
        if (ended) {
            sender.done(jobId);
            log.info("stream {}: job {} ({}) cancelled", job.stream(), jobId, job.name());
        }
        return ended;
    }

    /** A job that could not be sent, or whose result did not come in time, ends as an error result in its stream's sink. */
    void ended(JobEnvelope job, RuntimeException why) {
        ended(job, why, new ErrorResult(why.getMessage(), job.name(), null, null));
    }

    /** {@link #ended(JobEnvelope, RuntimeException)} with its error result; false when it had one already. */
    private boolean ended(JobEnvelope job, RuntimeException why, ErrorResult error) {
        state.deadlines().done(job.id());
        if (!state.delivered().add(job.id())) {
            return false;
        }
        state.reservations().release(job.stream());
        state.meters().result(job.stream(), false);
        JobEnvelope asResult = (job.status() == JobStatus.DELAYED ? job.moveTo(JobStatus.WAITING) : job)
                .startedBy("client", 0).finished(JobStatus.ERROR, Json.tree(error));
        state.sinks().get(job.stream()).failed(asResult, why);
        return true;
    }
}
