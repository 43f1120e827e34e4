package io.impetus.client;

/**
 * Thrown by a job to say the node it runs on is blocked (the seed's "HTTP 403" case: a crawled
 * site refuses this machine). The job ends in error, and the node stops taking work and asks the
 * scaler to replace it.
 */
public class NodeBlockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The node is blocked; {@code message} says by whom (it becomes the job's error). */
    public NodeBlockedException(String message) {
        super(message);
    }
}
