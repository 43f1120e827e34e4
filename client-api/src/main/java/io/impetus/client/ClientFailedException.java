package io.impetus.client;

import io.impetus.core.error.ImpetusException;

/**
 * A client's run failed: one of its stages threw. The stream and this client's results queues
 * were kept, so a rerun with the same client id picks up where this one stopped (results already
 * in the task files are not delivered again). Uncaught in {@code main}, it ends the program with
 * a non-zero exit code.
 */
public class ClientFailedException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    private final transient Progress progress;

    /** Client {@code clientId}'s run stopped with {@code progress} (its failures say why). */
    public ClientFailedException(String clientId, Progress progress) {
        super("client " + clientId + " failed: " + String.join("; ", progress.failures())
                + " — its stream and results queues were kept; run it again with --id " + clientId + " to go on");
        this.progress = progress;
    }

    /** The counts of every stage when the run stopped, and the failures. */
    public Progress progress() {
        return progress;
    }
}
