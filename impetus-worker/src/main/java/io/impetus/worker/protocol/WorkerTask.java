package io.impetus.worker.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.job.JobEnvelope;
import java.nio.file.Path;

/**
 * What the node sends a worker process: one job to run.
 *
 * @param jobId the job's id
 * @param name the job function's name
 * @param function {@code fully.qualified.Class#method}
 * @param bundleId the code bundle's id
 * @param bundlePath where the node cached the bundle's zip
 * @param args the argument as JSON
 */
public record WorkerTask(String jobId, String name, String function, String bundleId, String bundlePath,
                         JsonNode args) {

    /** The task that runs {@code job} with the bundle cached at {@code bundlePath}. */
    public static WorkerTask of(JobEnvelope job, Path bundlePath) {
        return new WorkerTask(job.id(), job.name(), job.function(), job.code(), bundlePath.toString(), job.args());
    }
}
