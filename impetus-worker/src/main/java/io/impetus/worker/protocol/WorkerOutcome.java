package io.impetus.worker.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.job.ErrorResult;

/**
 * What a worker process sends back: first a hello with its pid ({@code jobId == null}), then one
 * outcome per task.
 *
 * @param jobId the job it ran, or {@code null} for the hello
 * @param pid the worker's process id
 * @param ok whether the function returned
 * @param result its return value, when ok
 * @param error the seed's error shape, when not ok
 * @param blocked whether the job reported the node blocked ({@code NodeBlockedException})
 */
public record WorkerOutcome(String jobId, long pid, boolean ok, JsonNode result, ErrorResult error, boolean blocked) {

    public static WorkerOutcome hello(long pid) {
        return new WorkerOutcome(null, pid, true, null, null, false);
    }
}
