package io.impetus.coordinator.dependant;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.CoordinatorStore.Dependant;
import io.impetus.coordinator.store.DependencyException;
import io.impetus.coordinator.store.FencedException;
import io.impetus.core.broker.Delivery;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs that wait for other jobs, on the active coordinator: a {@code fork_after} request is checked and its job
 * held in the store until its inputs are done; a "done" notice (the signed result of a job others may wait
 * for, sent by its node to the done queue) is counted in the store in the same transaction that makes any
 * dependant it completes ready. The dependant is then published by {@code PublishDueJobs} like a delayed job
 * that fell due, fenced by the lease. Nothing here waits or polls. Thread-safe.
 */
public final class Dependants {
    private static final Logger log = LoggerFactory.getLogger(Dependants.class);
    /** Most inputs one job may wait for. */
    public static final int MAX_INPUTS = 10_000;
    /** How long a notice waits before it goes back to the queue when the store failed. */
    static final long STORE_RETRY_MS = 1000;

    private final CoordinatorStore store;
    private final SigningKey key;
    private final Timer later;
    private final ReadyDependants ready;
    private final WireCodec wire = WireCodec.standard();

    /**
     * @param store the store fenced by the lease
     * @param key the installation's signing key ({@code null}: unsigned): inputs' results and forked jobs must carry it
     * @param later runs a task after a number of milliseconds
     */
    public Dependants(CoordinatorStore store, SigningKey key, Timer later) {
        this.store = store;
        this.key = key;
        this.later = later;
        this.ready = new ReadyDependants(key);
    }

    /** Answers {@code fork_after}: the job's id once it is held; a bad request changes nothing. */
    public String forkAfter(ControlRequest.ForkAfter r) {
        JobEnvelope job = checked(r);
        FailurePolicy policy;
        try {
            policy = FailurePolicy.of(r.policy());
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        JobEnvelope held = new JobEnvelope(job.id(), job.stream(), job.client(), job.name(), null, job.code(),
                job.callback(), job.priority(), 0, job.created(), JobStatus.WAITING, null, null, null, 0,
                JobEnvelope.AWAITED, job.function(), null);
        int waiting;
        try {
            waiting = store.registerDependant(new Dependant(job.id(), job.stream(), policy.wireName(), job.priority(),
                    r.inputs(), Json.write(held)), ready);
        } catch (DependencyException e) {
            throw refused("fork_after " + job.id() + ": " + e.getMessage() + "; nothing was forked");
        }
        log.info("job {} of stream {} waits for {} of its {} input(s) ({})", job.id(), job.stream(), waiting,
                r.inputs().size(), policy.wireName());
        return job.id();
    }

    private JobEnvelope checked(ControlRequest.ForkAfter r) {
        if (r.job() == null) {
            throw refused("fork_after needs the job to fork");
        }
        if (r.inputs() == null || r.inputs().isEmpty() || r.inputs().size() > MAX_INPUTS) {
            throw refused("fork_after needs 1 to " + MAX_INPUTS + " input job ids, got "
                    + (r.inputs() == null ? "none" : r.inputs().size()));
        }
        JobEnvelope job;
        try {
            job = JobChecks.delayed(r.job());
            r.inputs().forEach(JobChecks::checkId);
        } catch (RuntimeException e) {
            throw refused("fork_after: not a valid job: " + e.getMessage());
        }
        if (key != null && !Signatures.jobIsSigned(key, job)) {
            throw new RpcException(RpcError.of(RpcError.Code.FORBIDDEN, "fork_after: job " + job.id()
                    + " is not signed with this installation's key"));
        }
        StreamInfo stream = store.stream(job.stream()).orElseThrow(() -> new RpcException(RpcError.of(
                RpcError.Code.UNKNOWN_STREAM, "fork_after: stream '" + job.stream() + "' is unknown")));
        if (!stream.isOpen()) {
            throw new RpcException(RpcError.of(RpcError.Code.STREAM_CLOSED, "fork_after: stream '" + job.stream()
                    + "' is closed"));
        }
        return job;
    }

    /** A done notice arrived: counted once in the store, then acked. The delivery is settled on every path. */
    public void noticed(Delivery d) {
        JobEnvelope done;
        try {
            done = wire.read(d.message(), JobEnvelope.class);
            JobChecks.checkId(done.id());
            if (!done.status().isTerminal()) {
                throw new IllegalArgumentException("status '" + done.status().wireName() + "' is not finished");
            }
        } catch (RuntimeException e) {
            log.warn("done queue: dropped a message that is not a finished job: {}", e.getMessage());
            d.ack();
            return;
        }
        if (key != null && !Signatures.resultIsSigned(key, done)) {
            log.warn("done queue: dropped the result of job {} that no node of this installation signed", done.id());
            d.ack();
            return;
        }
        try {
            int released = store.inputDone(done.id(), done.stream(), done.status() == JobStatus.READY,
                    Json.write(done), ready);
            log.debug("job {} of stream {} done ({}); {} dependant(s) released", done.id(), done.stream(),
                    done.status().wireName(), released);
            if (released > 0) {
                log.info("job {} of stream {} was the last input of {} job(s): they are due now", done.id(),
                        done.stream(), released);
            }
            d.ack();
        } catch (FencedException e) {
            log.info("done notice of job {} given back to the queue: {}", done.id(), e.getMessage());
            d.reject(true);
        } catch (DependencyException e) {
            log.warn("done notice of job {} dropped: {}", done.id(), e.getMessage());
            d.ack();
        } catch (RuntimeException e) {
            log.error("cannot count job {} as done: {}; its notice goes back to the queue in {} ms", done.id(),
                    e.getMessage(), STORE_RETRY_MS);
            later.schedule(() -> d.reject(true), STORE_RETRY_MS);
        }
    }

    private static RpcException refused(String message) {
        return new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, message));
    }
}
