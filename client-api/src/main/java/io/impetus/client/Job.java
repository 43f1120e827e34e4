package io.impetus.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;

/** A finished job as a stage receives it: ready with a result, or error with the seed's error shape. */
public final class Job {
    private final JobEnvelope envelope;

    public Job(JobEnvelope envelope) {
        this.envelope = envelope;
    }

    public String id() {
        return envelope.id();
    }

    /** The job function's name. */
    public String name() {
        return envelope.name();
    }

    public JobStatus status() {
        return envelope.status();
    }

    public boolean isReady() {
        return envelope.status() == JobStatus.READY;
    }

    /** The argument it was forked with, as {@code type}. */
    public <T> T args(Class<T> type) {
        return Json.convert(envelope.args(), type);
    }

    /** The function's return value as {@code type}; fails for an error job. */
    public <T> T result(Class<T> type) {
        if (!isReady()) {
            throw new IllegalStateException("job " + id() + " failed: " + error().error());
        }
        return Json.convert(envelope.result(), type);
    }

    /** The raw result (or error) JSON. */
    public JsonNode result() {
        return envelope.result();
    }

    /** The error of a failed job ({@code error, name, linenumber, statement}); {@code null} when ready. */
    public ErrorResult error() {
        return isReady() || envelope.result() == null ? null : Json.convert(envelope.result(), ErrorResult.class);
    }

    /** The whole envelope, as written to the task files. */
    public JobEnvelope envelope() {
        return envelope;
    }

    @Override
    public String toString() {
        return "Job[" + id() + " " + name() + " " + status().wireName() + " " + envelope.result() + "]";
    }
}
