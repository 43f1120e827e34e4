package io.impetus.core.topology;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamId;
import io.impetus.core.stream.StreamProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every RabbitMQ name Impetus uses, built in one place. The prefix is {@code impetus} unless a
 * deployment (or a test that needs isolation) picks another; names stay readable in the
 * management UI.
 */
public record Topology(String prefix) {
    public static final String DEFAULT_PREFIX = "impetus";
    public static final Topology DEFAULT = new Topology(DEFAULT_PREFIX);

    /** Event routing keys on {@link #eventsExchange()}. */
    public static final String STREAM_CREATED = "stream.created";
    public static final String STREAM_UPDATED = "stream.updated";
    public static final String STREAM_CLOSED = "stream.closed";
    /** A cancel of one job or of a stream's jobs ({@code JobCancel}), from the coordinator to every node. */
    public static final String JOB_CANCEL = "job.cancel";
    public static final String NODE_HEARTBEAT = "node.heartbeat";
    public static final String NODE_DRAINING = "node.draining";
    public static final String NODE_STOPPED = "node.stopped";
    public static final String SCALER_HEARTBEAT = "scaler.heartbeat";

    /** The routing key on {@link #eventsExchange()} that asks one node to drain. */
    public static String nodeDrainKey(String nodeId) {
        return "node.drain." + nodeId;
    }

    /**
     * Routing key, on a stream's results exchange, of the notice that its jobs queue was lost (deleted
     * with the jobs in it) and declared again: every client of the stream binds it and sends its
     * outstanding jobs again. Not a valid client id, so it never reaches a client's results by mistake.
     */
    public static final String LOST_KEY = "_lost";
    /** The message type of that notice. */
    public static final String LOST_TYPE = "jobs-lost";

    /** Header with the signature of a control request or an event (see {@code Signatures}). */
    public static final String SIGNATURE_HEADER = "x-impetus-signature";
    /**
     * Header with the time (epoch milliseconds, decimal) at which a control request or an event was
     * signed; its signature covers it, and a receiver refuses one signed outside the freshness window.
     */
    public static final String SIGNED_AT_HEADER = "x-impetus-signed-at";

    /** Header on dead-lettered messages that says why. */
    public static final String REASON_HEADER = "x-impetus-reason";
    /** Header on dead-lettered messages: when, in epoch milliseconds. */
    public static final String DEAD_AT_HEADER = "x-impetus-dead-at";
    /** Header on dead-lettered messages that names the stream (or {@code delayed}). */
    public static final String STREAM_HEADER = "x-impetus-stream";
    /**
     * Header on a failure letter (a job that failed for good, whose body carries the node's signed
     * error result): the signature its client made of the job, so that a replay can check that the
     * job it would run again is the job that was forked.
     */
    public static final String JOB_SIGNATURE_HEADER = "x-impetus-job-signature";
    /** Header on a dead letter whose job's client was sent its error result already (by the node that failed it). */
    public static final String CLIENT_TOLD_HEADER = "x-impetus-client-told";

    /**
     * Header on a job its client sends again on purpose (its stream's jobs queue was lost with it): such a message
     * is held again by the coordinator even when the broker gives it redelivered (a fenced coordinator gave it back),
     * where a redelivered hold of a job released lately is otherwise a lost ack's repeat and dropped.
     */
    public static final String RESEND_HEADER = "x-impetus-resend";

    /** AMQP's longest queue or exchange name (a short string). */
    public static final int MAX_NAME_LENGTH = 255;
    private static final String LONGEST_ID = "x".repeat(StreamId.MAX_LENGTH);

    public Topology {
        StreamId.check("topology prefix", prefix);
    }

    /**
     * Returns {@code stream} if it is a valid id whose every name (jobs queues, results exchange, and
     * the results queue of a client id of the longest kind, {@value StreamId#MAX_LENGTH} characters)
     * fits AMQP's {@value #MAX_NAME_LENGTH} characters with this prefix; else says by how much to shorten it.
     * With a prefix of P characters, stream and client ids may have {@code min(100, 138 - P)}.
     */
    public String checkStreamId(String stream) {
        StreamId.check("stream", stream);
        return fits("stream", stream, longestName(stream, LONGEST_ID));
    }

    /** As {@link #checkStreamId}, for a client id against a stream id of the longest kind: checked when a client connects. */
    public String checkClientId(String client) {
        StreamId.check("client", client);
        return fits("client", client, longestName(LONGEST_ID, client));
    }

    private int longestName(String stream, String client) {
        return Math.max(bandQueue(stream, StreamProperties.MAX_BANDS - 1).length(),
                Math.max(resultsExchange(stream).length(), resultsQueue(stream, client).length()));
    }

    private String fits(String kind, String id, int longest) {
        int over = longest - MAX_NAME_LENGTH;
        if (over > 0) {
            String other = kind.equals("stream") ? "client" : "stream";
            throw new InvalidPropertyException(kind, kind + " id '" + id + "' is " + over + " character"
                    + (over == 1 ? "" : "s") + " too long for the queue prefix '" + prefix + "': with a " + other
                    + " id of up to " + StreamId.MAX_LENGTH + " characters its results queue's name would have "
                    + longest + ", past AMQP's " + MAX_NAME_LENGTH + " — shorten the " + kind + " id to at most "
                    + (id.length() - over) + " characters (or use a shorter prefix)");
        }
        return id;
    }

    /** Durable queue of control RPCs to the coordinator. */
    public String controlQueue() {
        return prefix + ".control";
    }

    /** Topic exchange of stream and node events. */
    public String eventsExchange() {
        return prefix + ".events";
    }

    /** Fanout exchange for jobs that could not be processed at all. */
    public String deadExchange() {
        return prefix + ".dead";
    }

    /** The queue bound to {@link #deadExchange()}, so dead letters are kept for a person. */
    public String deadQueue() {
        return prefix + ".dead";
    }

    /**
     * The second queue bound to {@link #deadExchange()}: the active coordinator reads it to tell each
     * dead-lettered job's client why (its future then fails instead of waiting for ever).
     */
    public String deadWatchQueue() {
        return prefix + ".dead.watch";
    }

    /** Durable queue of delayed jobs on their way to the coordinator, which holds them until due. */
    public String delayedQueue() {
        return prefix + ".delayed";
    }

    /**
     * Durable queue of "done" notices: a node sends here, besides the client's result, the signed result of
     * every job that other jobs may wait for ({@code JobEnvelope.AWAITED}); the active coordinator counts it.
     */
    public String doneQueue() {
        return prefix + ".done";
    }

    /** The durable priority queue of a classic stream's jobs (and the stem of a quorum stream's band queues). */
    public String jobsQueue(String stream) {
        return prefix + ".stream." + StreamId.check("stream", stream) + ".jobs";
    }

    /** One band queue of a quorum stream: {@code ….jobs.p0} holds its lowest priorities. */
    public String bandQueue(String stream, int band) {
        return jobsQueue(stream) + ".p" + band;
    }

    /** Every jobs queue of a stream, lowest band first: one for a classic stream, one per band for a quorum one. */
    public List<String> jobsQueues(String stream, StreamProperties props) {
        if (props.queueTypeOrClassic() == QueueType.CLASSIC) {
            return List.of(jobsQueue(stream));
        }
        List<String> out = new ArrayList<>();
        for (int band = 0; band < props.bands(); band++) {
            out.add(bandQueue(stream, band));
        }
        return out;
    }

    /** The jobs queue a job of {@code priority} goes to. */
    public String jobsQueue(String stream, StreamProperties props, int priority) {
        return props.queueTypeOrClassic() == QueueType.CLASSIC ? jobsQueue(stream)
                : bandQueue(stream, props.band(priority));
    }

    /** The topic exchange of a stream's results; the routing key is the client id. */
    public String resultsExchange(String stream) {
        return prefix + ".stream." + StreamId.check("stream", stream) + ".results";
    }

    /**
     * The private events queue of one process ({@code role} coordinator, node, scaler, watch):
     * exclusive and auto-deleted, named so the management UI says whose it is; a random suffix
     * keeps a restarted process from colliding with its predecessor's queue.
     */
    public String eventsQueue(String role, String id) {
        return prefix + ".events." + role + "." + StreamId.check(role + " id", id) + "."
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A client's durable results queue on a stream. */
    public String resultsQueue(String stream, String client) {
        return resultsExchange(stream) + "." + StreamId.check("client", client);
    }

    /** The routing key that takes a result back to {@code client}. */
    public String resultRoutingKey(String client) {
        return StreamId.check("client", client);
    }

    /** Arguments of a classic stream's jobs queue: its priority range and dead-letter route. */
    public Map<String, Object> jobsQueueArguments(int maxPriority) {
        return Map.of("x-max-priority", maxPriority, "x-dead-letter-exchange", deadExchange(),
                "x-queue-type", "classic");
    }

    /**
     * Arguments of a stream's jobs queues: a classic queue's priority range, or a quorum band's
     * delivery limit (a message given back this often, say by nodes that crash on it, is
     * dead-lettered: a second line behind {@code maxAttempts}, which counts attempts that ended);
     * both dead-letter to the dead route.
     */
    public Map<String, Object> jobsQueueArguments(StreamProperties props) {
        if (props.queueTypeOrClassic() == QueueType.CLASSIC) {
            return jobsQueueArguments(props.maxPriority());
        }
        return Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", deadExchange(),
                "x-delivery-limit", deliveryLimit(props));
    }

    /** A quorum band's {@code x-delivery-limit}: well above {@code maxAttempts}, fixed when the queue is made. */
    public static int deliveryLimit(StreamProperties props) {
        return Math.max(20, 4 * props.maxAttempts());
    }

    /** Arguments of a client's results queue on a stream of {@code type}, without an expiry (as made before issue 22). */
    public static Map<String, Object> resultsQueueArguments(QueueType type) {
        // no x-queue-version: version 2 measured slower on the job path here (docs/BENCHMARKS.md, issue 15)
        return type == QueueType.CLASSIC ? Map.of() : Map.of("x-queue-type", type.wireName());
    }

    /**
     * Arguments of a client's results queue on a stream of {@code type} that RabbitMQ deletes once
     * it has been unused (no consumer, not declared again) for {@code expiry}: the queue of a client
     * that vanished does not stay for ever. {@code null} or zero: it never expires.
     */
    public static Map<String, Object> resultsQueueArguments(QueueType type, Duration expiry) {
        if (expiry == null || expiry.isZero()) {
            return resultsQueueArguments(type);
        }
        Map<String, Object> args = new HashMap<>(resultsQueueArguments(type));
        args.put("x-expires", expiry.toMillis());
        return Map.copyOf(args);
    }

    /**
     * Arguments of the control and delayed queues: one consumer at a time (the active coordinator;
     * the others wait and the broker hands over when its connection goes), of {@code type}.
     */
    public static Map<String, Object> singleConsumerArguments(QueueType type) {
        return type == QueueType.CLASSIC ? Map.of("x-single-active-consumer", true)
                : Map.of("x-queue-type", type.wireName(), "x-single-active-consumer", true);
    }

    /**
     * The stream a jobs queue name belongs to ({@code ….jobs}, or a band {@code ….jobs.pN}), or
     * {@code null} if it is not one.
     */
    public String streamOfJobsQueue(String queue) {
        String head = prefix + ".stream.";
        String name = queue.replaceFirst("\\.jobs\\.p[0-9]+$", ".jobs");
        if (name.startsWith(head) && name.endsWith(".jobs") && name.length() > head.length() + 5) {
            return name.substring(head.length(), name.length() - ".jobs".length());
        }
        return null;
    }

    /**
     * A message that could not be used, on its way to the dead-letter route whole (body, encoding,
     * headers, id) with {@link #REASON_HEADER} and {@link #STREAM_HEADER} added.
     */
    public OutboundMessage deadLetter(InboundMessage m, String stream, String reason) {
        return OutboundMessage.to(deadExchange(), stream).body(m.body()).contentEncoding(m.contentEncoding())
                .headers(deadLetterHeaders(m.headers(), stream, reason, System.currentTimeMillis()))
                .messageId(m.messageId()).build();
    }

    /**
     * The headers of a dead letter, the one place they are made: {@code kept} (the message's own,
     * or none) with {@link #REASON_HEADER}, {@link #STREAM_HEADER} and {@link #DEAD_AT_HEADER}
     * added. A mutable copy, for the caller to add more.
     */
    public static Map<String, Object> deadLetterHeaders(Map<String, Object> kept, String stream, String reason,
                                                        long deadAtMillis) {
        Map<String, Object> headers = new HashMap<>(kept);
        headers.put(REASON_HEADER, reason);
        headers.put(STREAM_HEADER, stream);
        headers.put(DEAD_AT_HEADER, deadAtMillis);
        return headers;
    }
}
