package io.impetus.client.internal;

import io.impetus.client.StreamClosedException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobMessages;
import io.impetus.core.job.JobStatus;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a client's jobs and keeps each one until its result is in, so that nothing forked is
 * lost when the broker loses it: a publish that is not confirmed is sent again (backing off, for
 * a minute or two of broker restart); a stream whose jobs queue is found missing (a publish
 * returned, or the periodic {@link #check}) gets its queue declared again and every outstanding
 * job of it sent again (the client drops the duplicate results by job id). A publish into a
 * stream that is closed and removed fails at once with a {@link StreamClosedException}.
 * Thread-safe.
 */
final class JobSender {
    private static final Logger log = LoggerFactory.getLogger(JobSender.class);
    /** Enough attempts, backing off to 5 s, to ride out a broker restart of a minute or two. */
    static final int PUBLISH_ATTEMPTS = 30;

    private record Sent(JobEnvelope job, OutboundMessage message) {
    }

    private final Broker broker;
    private final String clientId;
    private final Topology topology;
    private final ControlClient control;
    private final Timer retries;
    private final BiConsumer<JobEnvelope, RuntimeException> failed;
    private final WireCodec wire = WireCodec.standard();
    private final TopologyDeclarer declarer;
    private final RepairingPublisher publisher;
    private final Map<String, Sent> outstanding = new ConcurrentHashMap<>();
    private final Function<String, StreamProperties> properties;
    private final Map<String, Long> lastResend = new ConcurrentHashMap<>();
    private volatile Consumer<List<String>> confirmed = ids -> { };
    private static final long RESEND_QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Most streams {@link #check} looks at a pass. */
    static final int CHECK_BUDGET = 50;
    private final CheckTurns checkTurns = new CheckTurns(CHECK_BUDGET);

    /** @param failed told of a job that could not be sent, with why */
    JobSender(Broker broker, Topology topology, ControlClient control, Timer retries,
              String clientId, BiConsumer<JobEnvelope, RuntimeException> failed) {
        this(broker, new TopologyDeclarer(broker, topology, control.signingKey(), control.clock()), control, retries,
                clientId, failed,
                stream -> StreamProperties.DEFAULTS);
    }

    /**
     * @param failed told of a job that could not be sent, with why
     * @param properties the properties of an open stream (its queue type and bands say which queue a job goes to)
     */
    JobSender(Broker broker, TopologyDeclarer declarer, ControlClient control, Timer retries,
              String clientId, BiConsumer<JobEnvelope, RuntimeException> failed,
              Function<String, StreamProperties> properties) {
        this.properties = properties;
        this.clientId = clientId;
        this.broker = broker;
        this.topology = declarer.topology();
        this.control = control;
        this.retries = retries;
        this.failed = failed;
        this.declarer = declarer;
        this.publisher = new RepairingPublisher(broker, task -> retries.schedule(task, 0));
    }

    /** Publishes a job (confirmed, and sent again if need be, in the background) and keeps it until {@link #done}. */
    void send(JobEnvelope job) {
        Sent s = new Sent(job, single(job));
        outstanding.put(job.id(), s);
        publish(s, 1);
    }

    /** The message of one job: to its band of its stream, or (delayed) to the coordinator, which holds it until due. */
    private OutboundMessage single(JobEnvelope job) {
        return JobMessages.single(OutboundMessage.toQueue(queueOf(job)), job, wire).build();
    }

    /** A job's message when sent again on purpose: marked, so that the coordinator holds a delayed one again. */
    private OutboundMessage resent(JobEnvelope job) {
        return JobMessages.single(OutboundMessage.toQueue(queueOf(job)), job, wire)
                .headers(Map.of(Topology.RESEND_HEADER, "1")).build();
    }

    private String queueOf(JobEnvelope job) {
        return job.status() == JobStatus.DELAYED ? topology.delayedQueue()
                : topology.jobsQueue(job.stream(), properties.apply(job.stream()), job.priority());
    }

    /**
     * Publishes jobs forked together: those bound for the same queue at the same priority go as
     * one message of up to {@link JobBatch#MAX_ITEMS} (a node splits it, and the job ids drop any
     * repeat when the message comes again); delayed jobs go one by one to the coordinator. Each job
     * is kept until its result is in, and sent again on its own if its queue is lost.
     */
    void sendAll(List<JobEnvelope> jobs) {
        Map<String, List<JobEnvelope>> byQueue = new LinkedHashMap<>();
        for (JobEnvelope job : jobs) {
            if (job.status() == JobStatus.DELAYED) {
                send(job);
            } else {
                byQueue.computeIfAbsent(queueOf(job) + "#" + job.priority(), q -> new ArrayList<>()).add(job);
            }
        }
        for (List<JobEnvelope> group : byQueue.values()) {
            for (int from = 0; from < group.size(); from += JobBatch.MAX_ITEMS) {
                List<JobEnvelope> chunk = List.copyOf(group.subList(from, Math.min(group.size(), from + JobBatch.MAX_ITEMS)));
                if (chunk.size() == 1) {
                    send(chunk.get(0));
                    continue;
                }
                chunk.forEach(j -> outstanding.put(j.id(), new Sent(j, null)));
                JobEnvelope first = chunk.get(0);
                OutboundMessage m = JobMessages.batch(OutboundMessage.toQueue(queueOf(first)), chunk, wire).build();
                publishBatch(chunk, m, 1);
            }
        }
    }

    private void publishBatch(List<JobEnvelope> jobs, OutboundMessage m, int attempt) {
        JobEnvelope first = jobs.get(0);
        publisher.publish(m, () -> repair(first, m.routingKey())).whenComplete((ok, e) -> {
            if (e == null) {
                confirmed.accept(jobs.stream().map(JobEnvelope::id).toList());
                return;
            }
            List<JobEnvelope> waiting = jobs.stream().filter(j -> outstanding.containsKey(j.id())).toList();
            if (waiting.isEmpty()) {
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof StreamClosedException closed) {
                waiting.forEach(j -> giveUp(new Sent(j, null), closed));
            } else if (attempt < PUBLISH_ATTEMPTS) {
                log.warn("{} jobs forked together not confirmed ({}); publishing them again (attempt {} of {})",
                        jobs.size(), cause.getMessage(), attempt + 1, PUBLISH_ATTEMPTS);
                retries.schedule(() -> publishBatch(jobs, m, attempt + 1), Math.min(5000L, 500L * attempt));
            } else {
                log.error("{} jobs forked together could not be published after {} attempts: {}", jobs.size(), attempt,
                        cause.getMessage());
                RuntimeException why = new ImpetusException("could not publish the job to RabbitMQ: "
                        + cause.getMessage(), cause);
                waiting.forEach(j -> giveUp(new Sent(j, null), why));
            }
        });
    }

    /** Told the ids of jobs the broker confirmed (each at least once; again when sent again). */
    void onConfirmed(Consumer<List<String>> listener) {
        this.confirmed = listener;
    }

    /**
     * Keeps a job an earlier run with this client id sent (the broker confirmed it then) as if sent
     * now, without sending it: its result is waited for, and it is sent again only if its queue is lost.
     */
    void adopt(JobEnvelope job) {
        outstanding.put(job.id(), new Sent(job, null));
    }

    /** The job {@code jobId} as sent, while its result is not in. */
    Optional<JobEnvelope> outstanding(String jobId) {
        Sent s = outstanding.get(jobId);
        return s == null ? Optional.empty() : Optional.of(s.job());
    }

    /** The job's result is in: it need not be sent again. */
    void done(String jobId) {
        outstanding.remove(jobId);
    }

    private void publish(Sent s0, int attempt) {
        Sent s = s0.message() != null ? s0 : new Sent(s0.job(), single(s0.job())); // one of a batch, sent again alone
        publisher.publish(s.message(), () -> repair(s.job(), s.message().routingKey())).whenComplete((ok, e) -> {
            if (e == null) {
                // confirmed: keep the job (to send again if its queue is lost), not its encoded message
                outstanding.computeIfPresent(s.job().id(), (id, kept) -> kept.message() == null ? kept
                        : new Sent(kept.job(), null));
                confirmed.accept(List.of(s.job().id()));
                return;
            }
            if (!outstanding.containsKey(s.job().id())) {
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof StreamClosedException closed) {
                giveUp(s, closed);
            } else if (attempt < PUBLISH_ATTEMPTS) {
                log.warn("job {} not confirmed ({}); publishing again (attempt {} of {})", s.job().id(),
                        cause.getMessage(), attempt + 1, PUBLISH_ATTEMPTS);
                retries.schedule(() -> publish(s, attempt + 1), Math.min(5000L, 500L * attempt));
            } else {
                log.error("job {} could not be published after {} attempts: {}", s.job().id(), attempt, cause.getMessage());
                giveUp(s, new ImpetusException("could not publish the job to RabbitMQ: "
                        + cause.getMessage(), cause));
            }
        });
    }

    private void giveUp(Sent s, RuntimeException why) {
        if (outstanding.remove(s.job().id()) != null) {
            failed.accept(s.job(), why);
        }
    }

    /** A publish came back: declare the queue again if its stream is open, and send the stream's jobs again. */
    private void repair(JobEnvelope job, String queue) {
        if (queue.equals(topology.delayedQueue())) {
            // the coordinator declares it again within seconds, with arguments only it knows; the publish is retried
            throw new BrokerException(BrokerException.Kind.NOT_FOUND,
                    "the delayed queue " + queue + " is missing; waiting for the coordinator to declare it again", null);
        }
        StreamInfo info = control.call(new ControlRequest.GetStream(job.stream()), StreamInfo.class);
        if (info == null || !info.isOpen()) {
            throw new StreamClosedException(job.stream());
        }
        declarer.declareResultsExchange(job.stream());
        if (declarer.redeclareStream(job.stream(), info.properties())) {
            retries.schedule(() -> resend(job.stream(), "its jobs queue was missing", job.id()), 0);
        }
    }

    /**
     * Sends every outstanding job of {@code stream} again (but {@code except}, which is being sent);
     * many reasons to within a couple of seconds (returned publishes, the lost-queue notice, the
     * periodic check) make one resend.
     */
    void resend(String stream, String why, String except) {
        long now = System.nanoTime();
        Long last = lastResend.get(stream);
        if (last != null && now - last < RESEND_QUIET_NANOS) {
            return;
        }
        lastResend.put(stream, now);
        int n = 0;
        for (Sent s : outstanding.values()) {
            if (s.job().stream().equals(stream) && !s.job().id().equals(except)) {
                publish(new Sent(s.job(), resent(s.job())), 1);
                n++;
            }
        }
        if (n > 0) {
            log.warn("stream {}: {}; sent its {} outstanding jobs again (duplicate results are dropped)", stream, why, n);
        }
    }

    /**
     * One pass of the periodic check: an open stream with outstanding jobs whose jobs queue is
     * gone gets it back, and its jobs are sent again. At most {@link #CHECK_BUDGET} streams a pass, taking
     * turns ({@link CheckTurns}): each costs four broker calls (its results queue declared and bound again,
     * its jobs queue looked at), which for 1,000 streams every 2 s was more than the broker's whole time.
     * Run off the broker's threads.
     */
    synchronized void check() {
        Set<String> withJobs = new LinkedHashSet<>();
        for (Sent s : outstanding.values()) {
            withJobs.add(s.job().stream());
        }
        for (String stream : checkTurns.next(withJobs)) {
            try {
                // its own results queue and bindings, in case the stream's exchange was deleted and made again
                StreamProperties props = properties.apply(stream);
                declarer.declareResultsQueue(stream, clientId, props.queueTypeOrClassic());
                if (topology.jobsQueues(stream, props).stream().anyMatch(q -> broker.inspect(q).isEmpty())) {
                    StreamInfo info = control.call(new ControlRequest.GetStream(stream), StreamInfo.class);
                    if (info != null && info.isOpen()) {
                        declarer.declareResultsExchange(stream);
                        declarer.redeclareStream(stream, info.properties());
                        resend(stream, "its jobs queue was gone", null);
                    }
                }
            } catch (RuntimeException e) {
                log.debug("cannot check stream {}: {}", stream, e.getMessage());
            }
        }
    }
}
