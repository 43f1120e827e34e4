package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a stream's worker processes off its mailbox (a JVM takes a few hundred milliseconds to
 * start) and reports each back, or {@code null} when it could not start. Each worker holds one of
 * the node's {@link WorkerSlots} until it exits; its exit gives the slot back even when the
 * stream has closed meanwhile.
 */
final class WorkerStarts {
    private static final Logger log = LoggerFactory.getLogger(WorkerStarts.class);
    private static final AtomicInteger WORKER_INDEX = new AtomicInteger();
    static final long SPAWN_RETRY_MS = 5000;

    private final String stream;
    private final RunnerContext ctx;
    private final Worker.Listener listener;

    WorkerStarts(String stream, RunnerContext ctx, Worker.Listener listener) {
        this.stream = stream;
        this.ctx = ctx;
        this.listener = Worker.Listener.of(listener::outcome, (w, code) -> {
            ctx.slots().release(1);
            listener.exited(w, code);
        }, listener::update);
    }

    /** Starts one worker in the background; {@code started} gets it, or {@code null}. */
    void start(Consumer<Worker> started) {
        ctx.blocking().execute(() -> {
            int index = WORKER_INDEX.incrementAndGet();
            try {
                started.accept(ctx.workers().spawn(index, stream, listener));
            } catch (IOException | RuntimeException e) {
                log.error("cannot start a worker process for stream {}: {} — retrying in {} ms", stream, e.toString(),
                        SPAWN_RETRY_MS);
                ctx.slots().release(1);
                started.accept(null);
            }
        });
    }
}
