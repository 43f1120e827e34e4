package io.impetus.client.internal;

import io.impetus.core.broker.Delivery;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobStatus;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.loop.Timer;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.topology.Topology;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What comes on a client's results queues, taken apart: results (alone or a batch) go, each job id
 * once, to their stream's sink; progress updates go to the listener; a signed notice that a stream's
 * jobs queue was lost sends that stream's outstanding jobs again. What is not a valid result for this
 * client is dead-lettered with the reason. Runs on the broker's consumer threads; thread-safe.
 */
final class ResultsReceiver {
    private static final Logger log = LoggerFactory.getLogger(ResultsReceiver.class);

    private final SessionState state;
    private final JobSender sender;
    private final Timer later;
    private final WireCodec wire = WireCodec.standard();
    /** {@code _lost} notices believed within the freshness window: an exact copy published again is not. */
    private final ReplayGuard lostNotices;
    private volatile Consumer<JobUpdate> updates = u -> { };

    ResultsReceiver(SessionState state, JobSender sender, Timer later) {
        this.state = state;
        this.sender = sender;
        this.later = later;
        this.lostNotices = new ReplayGuard(state.clock());
    }

    /** Tells {@code listener} of each update of this client's running jobs; {@code null} for none. */
    void onUpdate(Consumer<JobUpdate> listener) {
        this.updates = listener == null ? u -> { } : listener;
    }

    /** One message of stream {@code stream}'s results queue. */
    void received(String stream, Delivery d) {
        // a fork made here (a future's callback runs on this thread) must not wait for results only this
        // thread can bring: it is not held at the client's outstanding bound
        Reservations.UNBOUNDED_HERE.set(Boolean.TRUE);
        try {
            receivedOnThisThread(stream, d);
        } finally {
            Reservations.UNBOUNDED_HERE.remove();
        }
    }

    private void receivedOnThisThread(String stream, Delivery d) {
        try {
            handle(stream, d);
        } finally {
            // only once its results are with the stage: a run waiting for the backlog must not see it drained
            // while the last message's results are still on their way to the stage (it would end without them)
            state.backlog().updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    /** A running job's update: believed only when signed by a node (where there is a key) and about this client's job. */
    private void update(String stream, Delivery d) {
        d.ack();
        if (state.signingKey() != null && !Signatures.eventAccepted(state.signingKey(), d.message(), state.clock())) {
            log.warn("stream {}: dropped a job update no node of this installation signed", stream);
            return;
        }
        JobUpdate u;
        try {
            u = wire.read(d.message(), JobUpdate.class);
        } catch (RuntimeException e) {
            log.warn("stream {}: dropped a malformed job update: {}", stream, e.getMessage());
            return;
        }
        if (u == null || u.jobId() == null || !state.clientId().equals(u.client()) || !stream.equals(u.stream())
                || state.delivered().contains(u.jobId())) {
            return; // another's, or a job that already has its outcome here
        }
        try {
            updates.accept(u);
        } catch (RuntimeException e) {
            log.warn("the progress listener failed on job {}: {}", u.jobId(), e.toString());
        }
    }

    private void handle(String stream, Delivery d) {
        if (JobUpdate.TYPE.equals(d.message().type())) {
            update(stream, d);
            return;
        }
        if (Topology.LOST_TYPE.equals(d.message().type()) && Topology.LOST_KEY.equals(d.message().routingKey())) {
            d.ack(); // the stream's jobs queue was lost and declared again: what this client sent there is gone
            if (LostNotices.believed(state.signingKey(), stream, d.message(), state.clock(), lostNotices)) {
                later.schedule(() -> sender.resend(stream, "its jobs queue was deleted and declared again", null), 0);
            }
            return;
        }
        // results a node sent together: each taken as if it had come alone; the message is acked once all are
        List<JobParts.Part> parts;
        try {
            parts = JobParts.read(d, wire);
        } catch (RuntimeException e) {
            deadLetter(d, stream, "not a valid " + (JobParts.isBatch(d.message()) ? "batch of results" : "result")
                    + " for client " + state.clientId() + ": " + e.getMessage());
            return;
        }
        for (JobParts.Part part : parts) {
            accept(stream, part.job(), part.delivery());
        }
    }

    /** One result: checked, its signature verified, a repeat dropped, then handed to the stream's sink. */
    private void accept(String stream, JobEnvelope received, Delivery d) {
        JobEnvelope job;
        try {
            job = JobChecks.result(received, state.clientId());
            if (!stream.equals(job.stream())) {
                throw new ImpetusException("result of job " + job.id() + " names stream '" + job.stream()
                        + "' but came on stream '" + stream + "'");
            }
        } catch (RuntimeException e) {
            deadLetter(JobParts.alone(d, received), stream, "not a valid result for client " + state.clientId() + ": "
                    + e.getMessage());
            return;
        }
        SignatureCheck signed = state.signingKey() == null ? null : Signatures.resultCheck(state.signingKey(), job);
        if (signed != null && !signed.valid()) {
            log.warn("stream {}: dropped a result of job {} that no node of this installation signed{}", stream, job.id(),
                    signed.unknownKey() ? " (" + signed.reason() + "; or a node was given another signing key than"
                            + " this client's)" : "");
            d.ack();
            return;
        }
        if (!state.delivered().add(job.id())) {
            if (state.deadlines().wasOverdue(job.id())) {
                log.info("stream {}: result of job {} came after its deadline of {} and is dropped; the job already"
                        + " ended with the deadline's error", stream, job.id(), state.deadlines().deadline());
            } else {
                log.debug("duplicate result of job {} dropped", job.id());
            }
            d.ack();
            return;
        }
        sender.done(job.id());
        state.deadlines().done(job.id());
        state.meters().result(stream, job.status() == JobStatus.READY);
        state.sinks().get(stream).accept(job, d);
        // an earlier run's job, answered before (or without) being forked again; only once it is with its
        // stage, so that a run waiting for these does not end while the result is on its way there
        state.sentBefore().remove(job.id());
        state.reservations().release(stream); // after the sink: a fork waiting on mss sees this job as done
    }

    private void deadLetter(Delivery d, String stream, String reason) {
        log.warn("stream {}: dead-lettering a message from this client's results queue: {}", stream, reason);
        d.ackOnceSent(() -> state.broker().publish(state.topology().deadLetter(d.message(), stream, reason)));
    }
}
