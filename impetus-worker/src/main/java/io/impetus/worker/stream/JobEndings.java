package io.impetus.worker.stream;

import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.stream.StreamProperties;
import io.impetus.worker.protocol.WorkerOutcome;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions for a job that did not end with an outcome from its worker: its worker died or
 * timed out (retried within {@code maxAttempts}, else an error), or its code bundle cannot be had
 * (an error for good, or the job given back after a pause when the failure may pass). Called from
 * the runner's mailbox; the settling I/O goes to {@code io}.
 */
final class JobEndings {
    private static final Logger log = LoggerFactory.getLogger(JobEndings.class);
    static final long BUNDLE_RETRY_MS = 1000;

    private final RunnerContext ctx;
    private final JobSettlement settlement;
    private final Supplier<StreamProperties> properties;
    private final Consumer<Runnable> io;

    JobEndings(RunnerContext ctx, JobSettlement settlement, Supplier<StreamProperties> properties,
               Consumer<Runnable> io) {
        this.ctx = ctx;
        this.settlement = settlement;
        this.properties = properties;
        this.io = io;
    }

    /** The worker ran the job (processing since it got it): its result (or error) goes to the client. */
    void completed(JobBuffer.Pending p, long pid, WorkerOutcome o) {
        JobStatus status = o.ok() ? JobStatus.READY : JobStatus.ERROR;
        JobEnvelope done = signed(p.job().finished(status, o.ok() ? o.result() : Json.tree(o.error())));
        log.info("completed job: {}, {}, {}, {}", pid, done.id(), done.name(), status.wireName());
        ctx.metrics().outcome(done.stream(), o.ok() ? "ready" : "error");
        io.accept(() -> settlement.result(done, p.delivery()));
        if (o.blocked()) {
            log.warn("job {} reports this node blocked (NodeBlockedException)", done.id());
            io.accept(ctx.onBlocked());
        }
    }

    /** A job whose worker died: retried within maxAttempts, else an error for the client. */
    void lost(JobBuffer.Pending p, long pid, String reason) {
        // processing if its worker had it; one that died while the job's code was fetched counts the attempt too
        JobEnvelope started = p.job().status() == JobStatus.PROCESSING ? p.job() : p.job().startedBy(ctx.nodeId(), pid);
        int max = properties.get().maxAttempts();
        if (started.attempts() < max) {
            log.warn("job {} lost: {}; retrying (attempt {} of {})", p.job().id(), reason, started.attempts() + 1, max);
            ctx.metrics().outcome(p.job().stream(), "retried");
            io.accept(() -> settlement.retry(started.requeued(), p.delivery()));
        } else {
            failed(p, started, reason + " (attempt " + started.attempts() + " of " + max + ")");
        }
    }

    /**
     * A cancelled job, waiting (never started) or stopped on its worker: its client gets the error
     * {@code cancelled}, for good (no retry, no dead letter), and the delivery is acked once it is confirmed.
     */
    void cancelled(JobBuffer.Pending p, long pid, JobCancel cancel) {
        JobEnvelope done = signed(p.job().finished(JobStatus.ERROR, Json.tree(cancel.error(p.job().name()))));
        log.info("cancelled job: {}, {}, {}, {} ({})", pid, done.id(), done.name(),
                p.job().status() == JobStatus.PROCESSING ? "stopped" : "never started", cancel.error(done.name())
                        .statement());
        ctx.metrics().outcome(done.stream(), "cancelled");
        io.accept(() -> settlement.result(done, p.delivery()));
    }

    /** The job's code bundle could not be had. */
    void bundleUnavailable(JobBuffer.Pending p, Throwable cause) {
        if (cause instanceof ImpetusException ie && ie.retryable()) {
            log.warn("cannot fetch code bundle {} for job {} ({}); the job goes back to the queue in {} ms",
                    p.job().code(), p.job().id(), cause.getMessage(), BUNDLE_RETRY_MS);
            ctx.timer().schedule(() -> p.delivery().reject(true), BUNDLE_RETRY_MS);
        } else {
            failed(p, p.job().startedBy(ctx.nodeId(), 0), "code bundle " + p.job().code() + " of job "
                    + p.job().id() + " cannot be used: " + cause.getMessage());
        }
    }

    private void failed(JobBuffer.Pending p, JobEnvelope started, String reason) {
        log.warn("job {} failed: {}", p.job().id(), reason);
        ctx.metrics().outcome(p.job().stream(), "dead");
        JobEnvelope failed = signed(started.finished(JobStatus.ERROR,
                Json.tree(new ErrorResult(reason, p.job().name(), null, null))));
        io.accept(() -> settlement.fail(failed, p.job().signature(), reason, p.delivery()));
    }

    /** A result signed by this node when the installation has a signing key. */
    private JobEnvelope signed(JobEnvelope done) {
        return ctx.signingKey() == null ? done : Signatures.signResult(ctx.signingKey(), done);
    }
}
