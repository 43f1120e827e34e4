package io.impetus.worker.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A frame a worker may send while it runs a task, before the task's outcome: the job's progress
 * and what it printed since the last update (docs/WORKER-PROTOCOL.md).
 *
 * @param type always {@value #TYPE}: tells it from an outcome, which has no {@code type}
 * @param jobId the task's job
 * @param fraction the job's last progress, 0 to 1, or {@code null} when this update carries none
 * @param message the progress message, or {@code null}
 * @param output what the job printed since the last update, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerUpdate(String type, String jobId, Double fraction, String message, String output) {
    public static final String TYPE = "update";

    public static WorkerUpdate of(String jobId, Double fraction, String message, String output) {
        return new WorkerUpdate(TYPE, jobId, fraction, message, output);
    }
}
