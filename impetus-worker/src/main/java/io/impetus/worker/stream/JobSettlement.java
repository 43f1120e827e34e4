package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobMessages;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobStatus;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job of one stream leaves the node: its result published to the client, a retry
 * republished to the stream's queue, a failure sent to the client and to the dead-letter route,
 * or an invalid message dead-lettered. The job's delivery is acked only once the broker has
 * confirmed what was published for it. A destination found missing is declared again and the
 * publish repeated; what still fails goes back to the queue after a pause, never in a tight loop.
 * Every path settles the delivery. Thread-safe.
 */
final class JobSettlement {
    private static final Logger log = LoggerFactory.getLogger(JobSettlement.class);
    /** How long a job whose settling failed waits before it goes back to its queue. */
    static final long REQUEUE_PAUSE_MS = 1000;

    private final String stream;
    private final RunnerContext ctx;
    private final Supplier<StreamProperties> properties;
    private final TopologyDeclarer declarer;
    private final RepairingPublisher publisher;
    private final ResultBatcher results = new ResultBatcher(this::publishResults, this::resultsSettled);

    JobSettlement(String stream, RunnerContext ctx, Supplier<StreamProperties> properties) {
        this.stream = stream;
        this.ctx = ctx;
        this.properties = properties;
        this.declarer = new TopologyDeclarer(ctx.broker(), ctx.topology(), ctx.signingKey(), ctx.clock());
        this.publisher = new RepairingPublisher(ctx.broker(), ctx.blocking());
    }

    /**
     * The jobs a delivery holds (one, or a batch's, each with its part of the delivery), decoded
     * within the limits; none when it cannot be read, and then it is dead-lettered whole with the reason.
     */
    List<JobParts.Part> partsOrDeadLetter(Delivery d) {
        try {
            return JobParts.read(d, ctx.wire());
        } catch (RuntimeException e) {
            deadLetter(d, (JobParts.isBatch(d.message()) ? "not a valid batch of jobs: " : "not a valid job envelope: ")
                    + e.getMessage());
            return List.of();
        }
    }

    /**
     * The job, checked in full (and its signature verified), or {@code null} when it is not a
     * runnable job of this stream, and then it is dead-lettered with the reason ({@code d} is its part).
     */
    JobEnvelope runnableOrDeadLetter(JobEnvelope received, Delivery d) {
        JobEnvelope job;
        try {
            job = JobChecks.runnable(received, stream);
        } catch (RuntimeException e) {
            deadLetter(JobParts.alone(d, received), "not a valid job envelope: " + e.getMessage());
            return null;
        }
        if (ctx.signingKey() == null) {
            return job;
        }
        SignatureCheck check = Signatures.jobCheck(ctx.signingKey(), job);
        if (check.unknownKey()) {
            refuseKey(job, check, d);
            return null;
        }
        if (!check.valid()) {
            deadLetter(JobParts.alone(d, job), "signature: job " + job.id() + (job.signature() == null ? " is not signed"
                    : " is not signed with this installation's key, or was changed after it was signed"));
            return null;
        }
        return job;
    }

    /**
     * A job signed with a key this installation does not accept (a client not yet given the new key
     * of a rotation, or still signing with a retired one, or this node given another key than the rest): no
     * retry can help, so it fails at once, and its client gets the error, signed by this node, with the key id
     * and what to do, and the job goes to the dead-letter route. The letter is not marked as told: where this
     * node's key is the odd one out, its client refuses this node's answer, and the coordinator (which shares
     * the client's key) answers it from the letter instead; a client that takes both keeps the first. A job
     * whose signature does not match an accepted key is a forgery and gets no signed answer.
     */
    private void refuseKey(JobEnvelope job, SignatureCheck check, Delivery d) {
        String reason = "signature: job " + job.id() + " is " + check.reason();
        log.warn("stream {}: {}", stream, reason);
        JobEnvelope failed = Signatures.signResult(ctx.signingKey(), job.startedBy(ctx.nodeId(), 0)
                .finished(JobStatus.ERROR, Json.tree(new ErrorResult(reason, job.name(), null, null))));
        fail(failed, job.signature(), reason, d, false);
    }

    /**
     * The finished job's result goes to the client that forked it, alone or in a batch with others (ResultBatcher).
     * A job other jobs may wait for sends it to the coordinator's done queue first, so that its dependants are
     * counted even when its client is gone; if that publish fails, the job goes back to its queue.
     */
    void result(JobEnvelope done, Delivery delivery) {
        if (!done.awaited()) {
            results.add(done, delivery);
            return;
        }
        toCoordinator(done).whenComplete((ok, e) -> {
            if (e == null) {
                results.add(done, delivery);
            } else {
                settle(delivery, e, done.id());
            }
        });
    }

    /** The signed result of a job other jobs may wait for, sent to the coordinator's done queue. */
    private CompletableFuture<Void> toCoordinator(JobEnvelope done) {
        // a missing done queue is the coordinator's to declare (every 5 s): the job goes back and comes again
        return publish(OutboundMessage.toQueue(ctx.topology().doneQueue()), done, () -> { });
    }

    /**
     * A running job's update goes to its client on the stream's results exchange (where {@code impetus
     * watch} sees it too): not persistent, not mandatory, signed like an event over the client's routing
     * key. Best effort: one that cannot be sent is dropped (the heartbeat still carries the latest).
     */
    void update(JobUpdate update) {
        String routingKey = ctx.topology().resultRoutingKey(update.client());
        byte[] body = Json.write(update);
        try {
            publisher.publish(OutboundMessage.to(ctx.topology().resultsExchange(stream), routingKey).body(body)
                    .headers(Signatures.eventHeaders(ctx.signingKey(), routingKey, body, ctx.clock()))
                    .type(JobUpdate.TYPE).persistent(false).mandatory(false).build(), () -> { })
                    .exceptionally(e -> {
                        log.debug("update of job {} not sent: {}", update.jobId(), e.getMessage());
                        return null;
                    });
        } catch (RuntimeException e) {
            log.debug("update of job {} not sent: {}", update.jobId(), e.getMessage());
        }
    }

    /** Publishes one client's results: one as it is, several as one batch message. */
    private CompletableFuture<Void> publishResults(List<ResultBatcher.Item> items) {
        JobEnvelope first = items.get(0).done();
        OutboundMessage.Builder to = OutboundMessage.to(ctx.topology().resultsExchange(stream),
                ctx.topology().resultRoutingKey(first.client()));
        Runnable repair = () -> declarer.declareResults(stream, first.client(), properties.get().queueTypeOrClassic());
        if (items.size() == 1) {
            return publish(to, first, repair);
        }
        try {
            List<JobEnvelope> jobs = new ArrayList<>(items.size());
            items.forEach(i -> jobs.add(i.done()));
            return publisher.publish(JobMessages.batch(to, jobs, ctx.wire()).build(), repair);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The results a publish carried are confirmed (their jobs acked together) or not (each job back after a pause). */
    private void resultsSettled(List<ResultBatcher.Item> items, Throwable e) {
        if (e != null) {
            items.forEach(i -> settle(i.delivery(), e, i.done().id()));
            return;
        }
        for (ResultBatcher.Item item : items) {
            if (item.done().name().equals(ctx.haltAfterResult())) {
                // fault injection for tests: die between the result's confirm and the job's ack
                log.warn("IMPETUS_FAULT_HALT_AFTER_RESULT: halting after the result of job {}", item.done().id());
                Runtime.getRuntime().halt(137);
            }
        }
        Delivery.ackAll(items.stream().map(ResultBatcher.Item::delivery).toList());
    }

    /** The job goes back to the stream's queue for another attempt (its count kept in the envelope). */
    void retry(JobEnvelope again, Delivery delivery) {
        StreamProperties props = properties.get();
        publish(OutboundMessage.toQueue(ctx.topology().jobsQueue(stream, props, again.priority())), again,
                () -> declarer.redeclareStream(stream, properties.get()))
                .whenComplete((ok, e) -> settle(delivery, e, again.id()));
    }

    /**
     * The job failed for good: the client gets the error, the dead-letter route a copy with the reason
     * and {@code jobSignature}, its client's signature of the job (null when unsigned), which a replay
     * checks.
     */
    void fail(JobEnvelope failed, String jobSignature, String reason, Delivery delivery) {
        fail(failed, jobSignature, reason, delivery, true);
    }

    /** As {@link #fail(JobEnvelope, String, String, Delivery)}; {@code told}: whether the letter says the client was told. */
    private void fail(JobEnvelope failed, String jobSignature, String reason, Delivery delivery, boolean told) {
        ctx.metrics().deadLetter(reason);
        Map<String, Object> headers = Topology.deadLetterHeaders(Map.of(), stream, reason, ctx.clock().millis());
        if (told) {
            headers.put(Topology.CLIENT_TOLD_HEADER, true); // the client gets the error below
        }
        if (jobSignature != null) {
            headers.put(Topology.JOB_SIGNATURE_HEADER, jobSignature);
        }
        CompletableFuture<Void> dead = publish(OutboundMessage.to(ctx.topology().deadExchange(), stream)
                .headers(headers), failed, declarer::declareDead);
        CompletableFuture<Void> result = publish(OutboundMessage.to(ctx.topology().resultsExchange(stream),
                ctx.topology().resultRoutingKey(failed.client())), failed,
                () -> declarer.declareResults(stream, failed.client(), properties.get().queueTypeOrClassic()));
        CompletableFuture<Void> done = failed.awaited() ? toCoordinator(failed) : CompletableFuture.completedFuture(null);
        CompletableFuture.allOf(dead, result, done).whenComplete((ok, e) -> settle(delivery, e, failed.id()));
    }

    /**
     * A message that is not a valid job of this stream goes to the dead-letter route, whole, with
     * the reason; if even that fails it is rejected, which dead-letters it through the queue's own
     * dead-letter route. Never requeued.
     */
    void deadLetter(Delivery d, String reason) {
        log.warn("stream {}: dead-lettering a message: {}", stream, reason);
        ctx.metrics().deadLetter(reason);
        d.ackOnceSent(() -> publisher.publish(ctx.topology().deadLetter(d.message(), stream, reason),
                declarer::declareDead));
    }

    private CompletableFuture<Void> publish(OutboundMessage.Builder to, JobEnvelope job, Runnable repair) {
        try {
            return publisher.publish(JobMessages.single(to, job, ctx.wire()).build(), repair);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void settle(Delivery delivery, Throwable e, String jobId) {
        if (e == null) {
            delivery.ack();
        } else {
            log.warn("what job {} published was not confirmed ({}); the job goes back to the queue in {} ms{}", jobId,
                    e.getMessage(), REQUEUE_PAUSE_MS, ctx.broker().blocked().isPresent()
                            ? ", once RabbitMQ's alarm has cleared" : "");
            ctx.timer().schedule(() -> requeueWhenUnblocked(delivery), REQUEUE_PAUSE_MS);
        }
    }

    /**
     * Gives the job back to its queue, but not while RabbitMQ blocks this node's publishing (an alarm):
     * it would come straight back and run again, and again at each deadline, for as long as the alarm
     * lasts. Held, it runs again once, after.
     */
    private void requeueWhenUnblocked(Delivery delivery) {
        if (ctx.broker().blocked().isPresent()) {
            ctx.timer().schedule(() -> requeueWhenUnblocked(delivery), REQUEUE_PAUSE_MS);
            return;
        }
        delivery.reject(true);
    }
}
