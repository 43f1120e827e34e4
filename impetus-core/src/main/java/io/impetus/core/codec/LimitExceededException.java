package io.impetus.core.codec;

import io.impetus.core.error.CodecException;

/** A message or bundle is larger than a {@link Limits} limit allows; never retryable. */
public final class LimitExceededException extends CodecException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    public LimitExceededException(String limit, long max, String what) {
        super(what + " is over the limit " + limit + "=" + max + " (set that environment variable to"
                + " allow more)", null);
        this.limit = limit;
    }

    /** The name of the limit, as its environment variable. */
    public String limit() {
        return limit;
    }
}
