package io.impetus.core.dead;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobMessages;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters in {@code impetus.dead}, decoded for a person: listed (in queue order, a page at a
 * time), shown, replayed (the job published again to its stream as a new job with its attempts reset,
 * signed with the installation's key, then removed) or discarded. Reading does not consume: what is
 * looked at and kept stays where it was ({@link Broker#sweep}).
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** The most dead letters read in one pass (the queue's length limit is 100,000). */
    public static final int MAX_SCAN = 100_000;
    private static final Pattern REPLAYED = Pattern.compile("(.*)-r([0-9]{1,6})");

    /**
     * One dead letter.
     *
     * @param position its place in the queue, 0 first (oldest)
     * @param id the message id (the job's id)
     * @param stream the stream it came from ({@code delayed} for a delayed job)
     * @param name the job's name, or null when its body cannot be read
     * @param reason why it was dead-lettered
     * @param time when, or null when the message does not say
     * @param job the job, or null when its body cannot be read
     */
    public record DeadLetter(int position, String id, String stream, String name, String reason, Instant time,
                             JobEnvelope job) {
    }

    private final Broker broker;
    private final Topology topology;
    private final WireCodec wire = WireCodec.standard();

    public DeadLetters(Broker broker, Topology topology) {
        this.broker = broker;
        this.topology = topology;
    }

    /** A page of dead letters, of one stream or all ({@code stream} null), oldest first. */
    public List<DeadLetter> list(String stream, int offset, int limit) {
        List<DeadLetter> page = new ArrayList<>();
        int[] position = {0};
        int[] matched = {0};
        // all of them need reading only to find one stream's: a page of all stops at its end
        int scan = stream == null ? (int) Math.min(MAX_SCAN, (long) offset + limit) : MAX_SCAN;
        sweep(scan, m -> {
            DeadLetter d = decode(position[0]++, m);
            if ((stream == null || stream.equals(d.stream())) && matched[0]++ >= offset && page.size() < limit) {
                page.add(d);
            }
            return false;
        });
        return page;
    }

    /** How many dead letters there are (the queue's message count). */
    public long count() {
        return broker.inspect(topology.deadQueue()).map(QueueCounts::ready).orElse(0L);
    }

    /** The dead letter with this message id (the first, if several). */
    public Optional<DeadLetter> find(String id) {
        List<DeadLetter> found = new ArrayList<>();
        int[] position = {0};
        sweep(MAX_SCAN, m -> {
            DeadLetter d = decode(position[0]++, m);
            if (found.isEmpty() && id.equals(d.id())) {
                found.add(d);
            }
            return false;
        });
        return found.stream().findFirst();
    }

    /**
     * Publishes the jobs of the dead letters {@code which} accepts to their streams again, as new jobs
     * ({@code <id>-r1}, {@code -r2} ...) with their attempts reset, and removes each once the broker has
     * confirmed its job. A letter whose job cannot be read, whose stream is closed or unknown, or (with a key)
     * whose job was not signed with {@code key} — a forgery — stays.
     *
     * @param key signs the new jobs (nodes run only signed jobs where the installation has a key)
     * @return how many were replayed
     */
    public int replay(Predicate<DeadLetter> which, ControlClient control, SigningKey key) {
        return replay(which, id -> control.call(new ControlRequest.GetStream(id), StreamInfo.class), key);
    }

    /** {@link #replay(Predicate, ControlClient, SigningKey)} with the streams looked up by {@code streams} (null: unknown). */
    public int replay(Predicate<DeadLetter> which, Function<String, StreamInfo> streams,
                      SigningKey key) {
        int[] position = {0};
        return sweep(MAX_SCAN, m -> {
            DeadLetter d = decode(position[0]++, m);
            if (!which.test(d)) {
                return false;
            }
            if (d.job() == null) {
                log.warn("dead letter {} cannot be replayed: its job cannot be read", d.id());
                return false;
            }
            if (key != null && !Signatures.clientSigned(key, d.job(), m.header(Topology.JOB_SIGNATURE_HEADER))) {
                // the job as its client signed it (a delayed job given up, a letter the broker dead-lettered), or a
                // failure letter whose job fields its client's signature still covers (the node puts that signature
                // in a header). A node's signature of the result covers none of what would run (function, code,
                // arguments, priority): a letter changed in the queue, or a forged job dead-lettered for its
                // signature, must not get this installation's signature now.
                log.warn("dead letter {} cannot be replayed: its job does not carry its client's signature with this"
                        + " installation's key (forged, or changed since it was forked)", d.id());
                return false;
            }
            StreamInfo info;
            try {
                info = streams.apply(d.job().stream());
            } catch (RuntimeException e) {
                info = null; // unknown stream
            }
            if (info == null || !info.isOpen()) {
                log.warn("dead letter {} cannot be replayed: stream {} is closed", d.id(), d.job().stream());
                return false;
            }
            JobEnvelope fresh = again(d.job());
            if (key != null) {
                fresh = Signatures.signJob(key, fresh);
            }
            OutboundMessage message = JobMessages.single(OutboundMessage.toQueue(topology.jobsQueue(fresh.stream(),
                    info.properties(), fresh.priority())), fresh, wire).build();
            try {
                broker.publish(message).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("dead letter {} not replayed: {}", d.id(), e.toString());
                return false;
            }
            log.info("replayed dead letter {} of stream {} as job {}", d.id(), fresh.stream(), fresh.id());
            return true;
        });
    }

    /** Removes the dead letters {@code which} accepts; returns how many. */
    public int discard(Predicate<DeadLetter> which) {
        int[] position = {0};
        return sweep(MAX_SCAN, m -> which.test(decode(position[0]++, m)));
    }

    /** Sweeps the dead queue; one that does not exist yet (no coordinator declared it here) holds nothing. */
    private int sweep(int max, Predicate<InboundMessage> remove) {
        try {
            return broker.sweep(topology.deadQueue(), max, remove);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.NOT_FOUND) {
                throw e;
            }
            log.info("the dead queue {} does not exist (yet): no dead letters", topology.deadQueue());
            return 0;
        }
    }

    /** Whether the dead queue exists (a coordinator declares it when it starts). */
    public boolean queueExists() {
        return broker.inspect(topology.deadQueue()).isPresent();
    }

    /** The job to publish again: a new id, waiting, attempts reset, no result. */
    static JobEnvelope again(JobEnvelope dead) {
        Matcher m = REPLAYED.matcher(dead.id());
        String id = m.matches() ? m.group(1) + "-r" + (Integer.parseInt(m.group(2)) + 1) : dead.id() + "-r1";
        if (id.length() > 100) {
            id = UUID.randomUUID().toString();
        }
        return JobEnvelope.builder().id(id).stream(dead.stream()).client(dead.client()).name(dead.name())
                .args(dead.args()).code(dead.code()).callback(dead.callback()).priority(dead.priority())
                .function(dead.function()).created(Instant.now()).build();
    }

    private DeadLetter decode(int position, InboundMessage m) {
        JobEnvelope job = null;
        try {
            if (!JobBatch.TYPE.equals(m.type())) {
                job = wire.read(m, JobEnvelope.class);
            }
        } catch (RuntimeException e) {
            log.debug("dead letter {} is not a job: {}", m.messageId(), e.getMessage());
        }
        String stream = m.header(Topology.STREAM_HEADER);
        if (stream == null) {
            stream = job != null ? job.stream() : m.routingKey();
        }
        Object at = m.headers().get(Topology.DEAD_AT_HEADER);
        Instant time = at instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null;
        String reason = m.header(Topology.REASON_HEADER);
        return new DeadLetter(position, m.messageId() != null ? m.messageId() : job != null ? job.id() : null, stream,
                job == null ? null : job.name(), reason != null ? reason : "rejected by the queue (no reason given)", time,
                job);
    }
}
