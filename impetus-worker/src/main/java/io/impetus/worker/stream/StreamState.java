package io.impetus.worker.stream;

import io.impetus.core.stream.StreamProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one stream on one node is at a moment: its taken jobs ({@link JobBuffer}), its workers
 * ({@link WorkerPool}), whether it drains or is closed, and when it last had a job. Read and changed
 * only by steps on its {@link Mailbox}, so it needs no lock; only {@link #properties} is set from any
 * thread. The steps live in {@link StreamLoop} (jobs in and out), {@link WorkerEvents} (what a worker
 * reports) and {@link Staffing} (how many workers, and where idle ones go). It is also the stream's key
 * in the node's {@link WorkerSlots}.
 */
final class StreamState {
    private static final Logger log = LoggerFactory.getLogger(StreamState.class);

    final String stream;
    final RunnerContext ctx;
    final Mailbox mailbox;
    final WorkerPool pool;
    final JobBuffer buffer = new JobBuffer();
    /** Completes once the stream drains and no job runs nor worker starts. */
    final CompletableFuture<Void> drained = new CompletableFuture<>();
    volatile StreamProperties properties;
    Instant lastActivity;
    boolean draining;
    boolean closed;

    StreamState(String stream, StreamProperties properties, RunnerContext ctx) {
        this.stream = stream;
        this.properties = properties;
        this.ctx = ctx;
        this.mailbox = new Mailbox(stream);
        this.pool = new WorkerPool(ctx.mpps());
        this.lastActivity = ctx.clock().instant();
    }

    Instant now() {
        return ctx.clock().instant();
    }

    /** Whether a worker that is free may stay: the stream neither drains nor is closed. */
    boolean keepsWorkers() {
        return !draining && !closed;
    }

    /** How long a worker may idle, and the stream stay with no job: the stream's {@code timeout}. */
    Duration idleLimit() {
        return Duration.ofMillis((long) (properties.timeout() * 1000));
    }

    /** From a step: completes {@link #drained} if the stream drains and has no job running nor worker starting. */
    void checkDrained() {
        if (draining && pool.busy() == 0 && pool.starting() == 0) {
            drained.complete(null);
        }
    }

    /** Queues {@code step} on the mailbox; a step that runs once the stream is closed is dropped. */
    void post(Runnable step) {
        mailbox.post(() -> {
            if (closed) {
                log.debug("stream {} closed; a late event was dropped", stream);
            } else {
                step.run();
            }
        });
    }
}
