package io.impetus.client;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.ErrorResult;

/** A job ended in error; {@link #error()} is the seed's error shape. Completes a fork's future. */
public class JobFailedException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorResult error;

    public JobFailedException(ErrorResult error) {
        super("job " + error.name() + " failed: " + error.error()
                + (error.linenumber() == null ? "" : " (line " + error.linenumber() + ")"));
        this.error = error;
    }

    public ErrorResult error() {
        return error;
    }
}
