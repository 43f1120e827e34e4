package io.impetus.client;

import io.impetus.core.error.ImpetusException;
import java.time.Duration;

/**
 * A job's result did not come back within the client's job deadline ({@code ClientOptions.jobDeadline},
 * {@code Impetus.Builder.jobDeadline}, {@code IMPETUS_JOB_DEADLINE}): its future fails with this, or
 * its stage gets it as an error. The job may still run on a node; a result that comes later is
 * dropped (the job keeps this one outcome).
 */
public final class ResultDeadlineException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /** Job {@code jobId} had no result within {@code deadline}. */
    public ResultDeadlineException(String jobId, Duration deadline) {
        super("no result of job " + jobId + " within " + deadline.toString().substring(2).toLowerCase()
                + "; the job may still run, and a later result is dropped — see README, Client options (jobDeadline)");
    }
}
