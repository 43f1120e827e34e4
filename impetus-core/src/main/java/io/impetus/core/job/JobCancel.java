package io.impetus.core.job;

import java.time.Instant;

/**
 * A cancel the coordinator accepted: one job of a stream ({@code job}), or every job of the stream
 * forked up to {@code before} ({@code job} null). It travels signed on the events exchange
 * ({@code job.cancel}) to every node, and nodes ask for the recent ones ({@code list_cancels}) so that
 * one started later still refuses a cancelled job that was waiting in the queue.
 *
 * @param stream the stream whose job(s) are cancelled
 * @param job the job's id, or {@code null} for every job of the stream forked up to {@code before}
 * @param before when the coordinator accepted the cancel
 * @param by who asked: {@code client <id>} or {@code the admin}, written into the job's error result
 */
public record JobCancel(String stream, String job, Instant before, String by) {
    /** The error message of a cancelled job's result. */
    public static final String CANCELLED = "cancelled";

    public JobCancel {
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("a cancel names its stream");
        }
        if (before == null) {
            throw new IllegalArgumentException("a cancel carries the time it was accepted");
        }
    }

    /** Whether {@code envelope} is a job this cancel stops. */
    public boolean matches(JobEnvelope envelope) {
        if (!stream.equals(envelope.stream())) {
            return false;
        }
        if (job != null) {
            return job.equals(envelope.id());
        }
        // a stream-wide cancel stops what was forked up to it (a job with no time is taken as older)
        return envelope.created() == null || !envelope.created().isAfter(before);
    }

    /** The error result a cancelled job of function {@code name} ends with. */
    public ErrorResult error(String name) {
        return new ErrorResult(CANCELLED, name, null, "cancelled by " + (by == null ? "request" : by));
    }

    /** Whether {@code error} is a cancel's, as {@link #error} makes it. */
    public static boolean isCancel(ErrorResult error) {
        return error != null && CANCELLED.equals(error.error()) && error.linenumber() == null
                && error.statement() != null && error.statement().startsWith("cancelled by ");
    }

    /** A job id as a cancel may name it: 1 to 200 characters, none of them a control character. */
    public static String checkedJobId(String id) {
        if (id == null || id.isBlank() || id.length() > 200 || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a job id is 1 to 200 printable characters, not '" + id + "'");
        }
        return id;
    }
}
