package io.impetus.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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
        return runEach(what, List.of(step), Runnable::run, limit, abort, afterAbort).isEmpty();
    }

    /**
     * Runs {@code step} for every item at once, each on a daemon thread of its own, and waits for all of
     * them against one limit; past it, as {@link #run}. All start together because each step's own wait (a
     * stream's grace period) must run within the limit: a shared pool (a parallel stream's runs cores - 1 at
     * a time) would start the later ones late and abort them in their grace period. The items are copied
     * first, so the caller may forget them once this returns; a step still running then goes on to its end, on
     * its daemon thread, which does not keep the JVM from exiting. Returns the items whose step had not ended
     * (in their order; empty when every step ended).
     */
    static <T> List<T> runEach(String what, Collection<T> items, Consumer<? super T> step, Duration limit,
                               Runnable abort, Duration afterAbort) {
        List<T> all = List.copyOf(items);
        List<CompletableFuture<Void>> steps = new ArrayList<>();
        int i = 0;
        for (T item : all) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    step.accept(item);
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "node-stop-" + i++);
            t.setDaemon(true);
            t.start();
            steps.add(done);
        }
        CompletableFuture<Void> every = CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
        if (await(every, limit)) {
            return List.of();
        }
        log.warn("node stop: {} still waits after {} s (the broker does not answer?); aborting the broker connection",
                what, limit.toSeconds());
        abort.run();
        if (await(every, afterAbort)) {
            return List.of();
        }
        log.warn("node stop: {} still waits {} s after the abort; stopping without it", what, afterAbort.toSeconds());
        List<T> left = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            if (!steps.get(k).isDone()) {
                left.add(all.get(k));
            }
        }
        return left;
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
