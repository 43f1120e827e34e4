package io.impetus.client;

import io.impetus.core.error.ImpetusException;
import java.time.Duration;

/** {@code fork} waited its whole timeout for the stream's {@code mss} back-pressure to ease. */
public class ForkTimeoutException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /** How long fork waited. */
    private final Duration waited;

    /** A fork into {@code stream} waited {@code waited} with {@code mss} jobs outstanding. */
    public ForkTimeoutException(String stream, int mss, Duration waited) {
        super("fork into stream " + stream + " waited " + waited.toMillis() + " ms with " + mss
                + " jobs outstanding (mss) and gave up; nothing was sent", true, null);
        this.waited = waited;
    }

    /** How long fork waited before giving up. */
    public Duration waited() {
        return waited;
    }
}
