package io.impetus.client;

import io.impetus.core.error.ImpetusException;

/**
 * A job was forked into a stream that is closed and whose queue is gone: it was not sent.
 * Reopen the stream (create it again) or fork into another one.
 */
public class StreamClosedException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /** The closed stream. */
    private final String stream;

    /** A fork into closed {@code stream}. */
    public StreamClosedException(String stream) {
        super("stream '" + stream + "' is closed; its jobs queue is gone, so the job was not sent — open the"
                + " stream again to fork into it");
        this.stream = stream;
    }

    /** The closed stream. */
    public String stream() {
        return stream;
    }
}
