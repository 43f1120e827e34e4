package io.impetus.coordinator;

import io.impetus.core.loop.DaemonThreads;
import io.impetus.core.loop.Passes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's loop: its steps (classes with a {@code runOnce()}), each run on a timer thread named for
 * what needs it, every pass through {@link #safely} — a pass that fails is logged and the step runs again at
 * its next time. Threads are made on first use ({@code coordinator-<name>}), daemons, and stopped by
 * {@link #close()}. Thread-safe.
 */
final class Loop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Loop.class);

    private final Map<String, ScheduledExecutorService> threads = new LinkedHashMap<>();

    /** The loop's thread {@code name} (one thread: its steps run one after another). */
    synchronized ScheduledExecutorService thread(String name) {
        return threads.computeIfAbsent(name, n -> Executors.newSingleThreadScheduledExecutor(daemons("coordinator-" + n)));
    }

    /** Runs {@code step} on thread {@code on} after {@code first}, then {@code every} after each pass ended. */
    void every(String on, String what, Duration first, Duration every, Runnable step) {
        thread(on).scheduleWithFixedDelay(() -> safely(what, step), first.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code step} on thread {@code on} every {@code every}, counted from the start of each pass: for a
     * step that must keep its rhythm (asking for the lease), whose passes return at once.
     */
    void atRate(String on, String what, Duration every, Runnable step) {
        thread(on).scheduleAtFixedRate(() -> safely(what, step), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Runs {@code step} once on thread {@code on}, soon. */
    void now(String on, String what, Runnable step) {
        thread(on).execute(() -> safely(what, step));
    }

    /** Every pass through the one "log and keep running" wrapper ({@link Passes#safely}). */
    static void safely(String what, Runnable step) {
        Passes.safely(log, "coordinator", what, step);
    }

    /** A factory of daemon threads named {@code name-1}, {@code name-2}, … */
    static ThreadFactory daemons(String name) {
        return DaemonThreads.numbered(name);
    }

    /** Stops every thread (a pass under way is interrupted). */
    @Override
    public synchronized void close() {
        threads.values().forEach(ScheduledExecutorService::shutdownNow);
    }
}
