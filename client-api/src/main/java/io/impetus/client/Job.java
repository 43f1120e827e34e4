package io.impetus.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.util.Objects;

/**
 * A finished job as a {@link Process @Process} stage receives it: ready with a result, or failed
 * with a {@link JobError}. Immutable and thread-safe; made only by Impetus.
 */
public final class Job {
    private final JobEnvelope envelope;

    Job(JobEnvelope envelope) {
        this.envelope = Objects.requireNonNull(envelope, "envelope");
    }

    /** The job's id: unique, and the one its task-file line carries. */
    public String id() {
        return envelope.id();
    }

    /** The job function's name. */
    public String name() {
        return envelope.name();
    }

    /** The stream it ran in. */
    public String stream() {
        return envelope.stream();
    }

    /** How many times a node started it (more than one when a worker died or it was retried). */
    public int attempts() {
        return envelope.attempts();
    }

    /** True when it returned a result; false when it failed. */
    public boolean isReady() {
        return envelope.status() == JobStatus.READY;
    }

    /** The argument it was forked with, as {@code type}. */
    public <T> T args(Class<T> type) {
        return Json.convert(envelope.args(), type);
    }

    /**
     * The function's return value as {@code type}.
     *
     * @throws IllegalStateException for a failed job (read {@link #error()} instead)
     */
    public <T> T result(Class<T> type) {
        if (!isReady()) {
            throw new IllegalStateException("job " + id() + " failed: " + error().error());
        }
        return Json.convert(envelope.result(), type);
    }

    /** The raw result (or, for a failed job, the error) as JSON. */
    public JsonNode result() {
        return envelope.result();
    }

    /** Why it failed; {@code null} when it is ready. */
    public JobError error() {
        if (isReady() || envelope.result() == null) {
            return null;
        }
        return Job.error(Json.convert(envelope.result(), ErrorResult.class));
    }

    static JobError error(ErrorResult e) {
        return new JobError(e.error(), e.name(), e.linenumber(), e.statement());
    }

    @Override
    public String toString() {
        return "Job[" + id() + " " + name() + " " + envelope.status().wireName() + " " + envelope.result() + "]";
    }
}
