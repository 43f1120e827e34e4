package io.impetus.core.job;

import io.impetus.core.error.CodecException;
import io.impetus.core.stream.StreamId;
import io.impetus.core.stream.StreamProperties;
import java.util.regex.Pattern;

/**
 * The full check of a job envelope that arrives from the broker, made before anything happens
 * to it: a job that would fail after it ran (a status it cannot move from, a client id no
 * results queue can have, an id longer than AMQP's message-id) is refused here, while it can
 * still be dead-lettered whole. Each method throws a {@link CodecException} saying what is wrong.
 */
public final class JobChecks {
    /** Job ids: what a client makes (a UUID), in a form every queue, header and column takes. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");
    private static final Pattern BUNDLE = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern FUNCTION = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$.]{0,400}#[\\p{L}_$][\\p{L}\\p{N}_$]{0,200}");
    /** AMQP message priorities are one byte: a stream's highest {@code maxPriority}. */
    private static final int MAX_PRIORITY = StreamProperties.MAX_MAX_PRIORITY;
    /** The longest delay a job may ask for: a year, in seconds, as a stream's own {@code delay}. */
    private static final double MAX_DELAY_SECONDS = StreamProperties.MAX_SECONDS;
    private static final int MAX_ATTEMPTS = StreamProperties.MAX_ATTEMPTS;
    private static final int MAX_NAME = 200;

    private JobChecks() {
    }

    /** A job id is 1 to 100 letters, digits, '.', '_', ':' or '-'. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new CodecException("job id '" + shorten(id) + "' is not valid: use 1 to 100 letters, digits,"
                    + " '.', '_', ':' or '-'", null);
        }
        return id;
    }

    /** A job taken from the jobs queue of {@code stream}, about to run on a node. */
    public static JobEnvelope runnable(JobEnvelope job, String stream) {
        common(job);
        if (!stream.equals(job.stream())) {
            throw new CodecException("job " + job.id() + " names stream '" + shorten(job.stream())
                    + "' but arrived on stream '" + stream + "'", null);
        }
        if (job.status() != JobStatus.WAITING) {
            throw new CodecException("job " + job.id() + " has status '" + job.status().wireName()
                    + "'; a job in a jobs queue is 'waiting'", null);
        }
        return job;
    }

    /** A job on its way to the coordinator to be held for its delay. */
    public static JobEnvelope delayed(JobEnvelope job) {
        common(job);
        if (job.status() != JobStatus.DELAYED && job.status() != JobStatus.WAITING) {
            throw new CodecException("job " + job.id() + " has status '" + job.status().wireName()
                    + "'; a delayed job is 'delayed'", null);
        }
        return job;
    }

    /** A finished job coming back to client {@code clientId}. */
    public static JobEnvelope result(JobEnvelope job, String clientId) {
        checkId(job.id());
        if (!job.status().isTerminal()) {
            throw new CodecException("result of job " + job.id() + " has status '" + job.status().wireName()
                    + "'; a result is 'ready' or 'error'", null);
        }
        if (!clientId.equals(job.client())) {
            throw new CodecException("result of job " + job.id() + " is for client '" + shorten(job.client())
                    + "', not this client '" + clientId + "'", null);
        }
        return job;
    }

    private static void common(JobEnvelope job) {
        checkId(job.id());
        String id = job.id();
        text(id, "stream", job.stream());
        text(id, "client", job.client());
        if (job.name().length() > MAX_NAME) {
            throw new CodecException("job " + id + " has a name longer than " + MAX_NAME + " characters", null);
        }
        if (job.callback() != null && job.callback().length() > MAX_NAME) {
            throw new CodecException("job " + id + " has a callback longer than " + MAX_NAME + " characters", null);
        }
        if (job.code() == null || !BUNDLE.matcher(job.code()).matches()) {
            throw new CodecException("job " + id + " has no code bundle id (64 hex digits), was '"
                    + shorten(job.code()) + "'", null);
        }
        if (job.function() == null || !FUNCTION.matcher(job.function()).matches()) {
            throw new CodecException("job " + id + " names no function to run as Class#method, was '"
                    + shorten(job.function()) + "'", null);
        }
        if (job.priority() > MAX_PRIORITY) {
            throw new CodecException("job " + id + " has priority " + job.priority() + "; at most "
                    + MAX_PRIORITY, null);
        }
        if (!(job.delay() <= MAX_DELAY_SECONDS)) {
            throw new CodecException("job " + id + " has a delay of " + job.delay() + " s; at most "
                    + (long) MAX_DELAY_SECONDS + " s (a year)", null);
        }
        if (job.attempts() > MAX_ATTEMPTS) {
            throw new CodecException("job " + id + " has " + job.attempts() + " attempts; at most " + MAX_ATTEMPTS, null);
        }
    }

    private static void text(String id, String field, String value) {
        try {
            StreamId.check(field, value);
        } catch (RuntimeException e) {
            throw new CodecException("job " + id + ": " + e.getMessage(), e);
        }
    }

    private static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
