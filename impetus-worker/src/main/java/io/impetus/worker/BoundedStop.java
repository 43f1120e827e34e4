package io.impetus.worker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A step of a node's stop that waits on the broker (its consumers' cancels, its channels' closes),
 * held to a time limit. A broker that accepts connections but no longer answers would otherwise hold
 * the stop as long as each of those calls may wait, one after another. Past the limit the connection
 * is aborted (the calls still waiting fail at once, and the broker requeues what the node held) and the
 * step gets a last, short while to end.
 */
final class BoundedStop {
    private static final Logger log = LoggerFactory.getLogger(BoundedStop.class);

    private BoundedStop() {
    }

    /**
     * Runs {@code step} on a thread of its own and waits for it at most {@code limit}; past that, runs
     * {@code abort} (which must make the step's broker calls fail) and waits at most {@code afterAbort} more.
     * Returns whether the step ended; one that did not goes on in the background (its thread is a daemon).
     */
    static boolean run(String what, Runnable step, Duration limit, Runnable abort, Duration afterAbort) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                step.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "node-stop");
        t.setDaemon(true);
        t.start();
        if (await(done, limit)) {
            return true;
        }
        log.warn("node stop: {} still waits after {} s (the broker does not answer?); aborting the broker connection",
                what, limit.toSeconds());
        abort.run();
        if (await(done, afterAbort)) {
            return true;
        }
        log.warn("node stop: {} still waits {} s after the abort; stopping without it", what, afterAbort.toSeconds());
        return false;
    }

    private static boolean await(CompletableFuture<Void> done, Duration limit) {
        try {
            done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            log.warn("node stop: a step failed: {}", e.getCause().toString());
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
