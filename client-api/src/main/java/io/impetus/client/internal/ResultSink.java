package io.impetus.client.internal;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobEnvelope;

/** Where a session hands each result of one stream, once per job id. */
public interface ResultSink {
    /**
     * A finished job. {@code delivery} is the broker message to settle once the result is safe
     * (written to a task file, a future completed); {@code null} for results made locally.
     */
    void accept(JobEnvelope job, Delivery delivery);

    /**
     * A job that never reached the broker failed with {@code cause}; {@code asResult} is the same
     * failure as an error result. By default the error result is delivered like any other.
     */
    default void failed(JobEnvelope asResult, RuntimeException cause) {
        accept(asResult, null);
    }
}
