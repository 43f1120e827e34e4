package io.impetus.client.internal;

import io.impetus.core.loop.Passes;
import io.impetus.core.loop.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's periodic checks on the one {@link Timer}: each step runs every {@code periodMillis},
 * the first a period after {@link #every}, the next a period after the last one ended (a slow pass
 * is not piled up), until {@link #stop}. A step that throws is logged and runs again next time.
 * Thread-safe.
 */
final class Upkeep {
    private static final Logger log = LoggerFactory.getLogger(Upkeep.class);

    private final Timer timer;
    private volatile boolean stopped;

    Upkeep(Timer timer) {
        this.timer = timer;
    }

    /** Runs {@code step} ({@code what}, for the log) every {@code periodMillis} until stopped. */
    void every(long periodMillis, String what, Runnable step) {
        timer.schedule(() -> pass(periodMillis, what, step), periodMillis);
    }

    private void pass(long periodMillis, String what, Runnable step) {
        if (stopped) {
            return;
        }
        Passes.safely(log, "client", what, step);
        if (!stopped) {
            every(periodMillis, what, step);
        }
    }

    /** No step runs again (one running now finishes). Safe to call twice. */
    void stop() {
        stopped = true;
    }
}
