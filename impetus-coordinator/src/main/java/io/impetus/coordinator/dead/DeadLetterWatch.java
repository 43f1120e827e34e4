package io.impetus.coordinator.dead;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobMessages;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a dead-lettered job's client why, so its future fails with the reason instead of waiting
 * for ever (and {@code Client.run} ends). The active coordinator reads every dead letter from
 * {@link Topology#deadWatchQueue()} (a copy; the one in the dead queue stays for a person) and sends
 * each job in it that no one has answered an error result, signed with the installation's key:
 * a job the broker dead-lettered (a quorum stream's delivery limit, a consumer's reject), a delayed
 * job given up, a job a node could not take. A job other jobs may wait for ({@link JobEnvelope#awaited()})
 * gets the same error sent to the done queue, where {@code Dependants} counts it as a failed input, so its
 * dependants are settled by their failure policy instead of waiting for ever. Skipped: letters whose client was told already (a
 * node that fails a job sends the error itself), results, and, where the installation signs, jobs
 * no client signed with its key — a forgery must not make this coordinator sign an answer to it.
 * Each letter is acked once its answers are confirmed or could not be sent (logged): never requeued.
 */
public final class DeadLetterWatch {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWatch.class);

    private final Broker broker;
    private final Topology topology;
    private final SigningKey key;
    private final WireCodec wire = WireCodec.standard();

    /** @param key signs the answers, and only jobs signed with it are answered; null where the installation does not sign */
    public DeadLetterWatch(Broker broker, Topology topology, SigningKey key) {
        this.broker = broker;
        this.topology = topology;
        this.key = key;
    }

    /** Answers the jobs of one dead letter; the delivery is acked on every path. */
    public void handle(Delivery d) {
        InboundMessage m = d.message();
        if (m.headers().containsKey(Topology.CLIENT_TOLD_HEADER)) {
            d.ack();
            return;
        }
        List<JobEnvelope> jobs;
        try {
            jobs = JobParts.jobs(m, wire);
        } catch (RuntimeException e) {
            log.warn("dead letter {} holds no job whose client could be told (left in the dead-letter queue): {}",
                    m.messageId(), e.getMessage());
            d.ack();
            return;
        }
        String reason = reason(m);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (JobEnvelope job : jobs) {
            if (answerable(job, m)) {
                sent.add(tell(job, reason));
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> d.ack());
    }

    /** A job, not a result; signed by its client where the installation signs. */
    private boolean answerable(JobEnvelope job, InboundMessage m) {
        if (job.id() == null || job.stream() == null || job.client() == null || job.status() == null
                || job.status().isTerminal()) {
            return false;
        }
        if (key != null && !Signatures.clientSigned(key, job, m.header(Topology.JOB_SIGNATURE_HEADER))) {
            log.debug("dead letter {}: job {} is not signed with this installation's key; its client is not answered",
                    m.messageId(), job.id());
            return false;
        }
        return true;
    }

    private CompletableFuture<Void> tell(JobEnvelope job, String reason) {
        JobEnvelope error = job.finished(JobStatus.ERROR,
                Json.tree(new ErrorResult("job " + job.id() + " was dead-lettered: " + reason, job.name(), null, null)));
        if (key != null) {
            error = Signatures.signResult(key, error);
        }
        CompletableFuture<Void> sent = publish(OutboundMessage.to(topology.resultsExchange(job.stream()),
                topology.resultRoutingKey(job.client())), error);
        if (job.awaited()) {
            // jobs may wait for it: they count its error as its node would have sent it, or they would wait for ever
            CompletableFuture<Void> done = publish(OutboundMessage.toQueue(topology.doneQueue()), error);
            sent = CompletableFuture.allOf(sent, done);
        }
        return sent.handle((ok, e) -> {
            if (e == null) {
                log.info("told client {}{} that job {} of stream {} was dead-lettered ({})", job.client(),
                        job.awaited() ? " and the jobs waiting for it" : "", job.id(), job.stream(), reason);
            } else {
                log.warn("cannot tell client {} that job {} of stream {} was dead-lettered: {}", job.client(), job.id(),
                        job.stream(), e.getMessage());
            }
            return null;
        });
    }

    private CompletableFuture<Void> publish(OutboundMessage.Builder to, JobEnvelope error) {
        try {
            return broker.publish(JobMessages.single(to, error, wire).build());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Why: the reason Impetus gave, else the broker's ({@code x-first-death-reason}: delivery_limit, rejected ...). */
    static String reason(InboundMessage m) {
        String given = m.header(Topology.REASON_HEADER);
        if (given != null) {
            return given;
        }
        String broker = m.header("x-first-death-reason");
        if (broker == null) {
            return "dead-lettered by the broker (no reason given)";
        }
        return switch (broker) {
            case "delivery_limit" -> "the broker dead-lettered it after its delivery limit (redelivered too often:"
                    + " its node or worker kept dying on it)";
            case "rejected" -> "a consumer rejected it";
            case "expired" -> "it expired in its queue";
            case "maxlen" -> "its queue was over its length limit";
            default -> "the broker dead-lettered it (" + broker + ")";
        };
    }
}
