package io.impetus.client;

import io.impetus.core.error.ImpetusException;
import java.util.Objects;

/**
 * A job ended in error: what a fork's future fails with. {@link #error()} says why, in the seed's
 * error shape.
 */
public class JobFailedException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /** Why the job failed. */
    private final JobError error;

    /** A failure of the job that {@code error} describes. */
    public JobFailedException(JobError error) {
        super("job " + Objects.requireNonNull(error, "error").name() + " failed: " + error.error()
                + (error.lineNumber() == null ? "" : " (line " + error.lineNumber() + ")"));
        this.error = error;
    }

    /** Why the job failed. */
    public JobError error() {
        return error;
    }
}
