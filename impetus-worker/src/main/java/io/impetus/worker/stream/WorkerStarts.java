package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a stream's worker processes off its mailbox (a JVM takes a few hundred milliseconds to
 * start) and reports each back, or {@code null} when it could not start. Each worker holds one of
 * the node's {@link WorkerSlots} until it exits; its exit gives the slot back even when the
 * stream has closed meanwhile. A worker may also come from, and go to, the node's
 * {@link WorkerLounge}: its listener is routed to the stream that holds it.
 */
final class WorkerStarts {
    private static final Logger log = LoggerFactory.getLogger(WorkerStarts.class);
    private static final AtomicInteger WORKER_INDEX = new AtomicInteger();
    static final long SPAWN_RETRY_MS = 5000;

    private final String stream;
    private final RunnerContext ctx;
    private final Worker.Listener listener;
    private final Map<Worker, RoutedListener> routes = new ConcurrentHashMap<>();

    WorkerStarts(String stream, RunnerContext ctx, Worker.Listener listener) {
        this.stream = stream;
        this.ctx = ctx;
        this.listener = Worker.Listener.of(listener::outcome, (w, code) -> {
            routes.remove(w);
            listener.exited(w, code);
        }, listener::update);
    }

    /**
     * Hands an idle worker of this stream to the lounge, for another stream of {@code creator};
     * false when the lounge does not take it (the caller retires it).
     */
    boolean handOver(Worker w, String creator, Duration idleLimit, Instant now) {
        RoutedListener routing = routes.get(w);
        if (routing == null || !ctx.slots().lounge().offer(creator, w, routing, idleLimit, now)) {
            return false;
        }
        routes.remove(w);
        ctx.slots().nudge();
        return true;
    }

    /** A lounge worker of this stream's creator, else a blank one, now reporting to this stream; or {@code null}. */
    Worker adopt(String creator) {
        WorkerLounge.Seat seat = ctx.slots().lounge().take(creator);
        if (seat == null) {
            return null;
        }
        routes.put(seat.worker(), seat.routing());
        seat.routing().routeTo(listener);
        log.info("stream {} takes {} worker {} {} from the lounge (creator {})", stream,
                seat.blank() ? "blank" : "its creator's", seat.worker().index(), seat.worker().pid(), creator);
        return seat.worker();
    }

    /** The index of the next worker the node starts (for logs and scratch folder names). */
    static int nextIndex() {
        return WORKER_INDEX.incrementAndGet();
    }

    /** Starts one worker in the background; {@code started} gets it, or {@code null}. */
    void start(Consumer<Worker> started) {
        SlotStart.execute(ctx.blocking(), () -> {
            int index = nextIndex();
            RoutedListener routing = new RoutedListener(listener, () -> ctx.slots().release(1));
            try {
                Worker w = ctx.workers().spawn(index, stream, routing);
                routes.put(w, routing);
                started.accept(w);
            } catch (IOException | RuntimeException e) {
                log.error("cannot start a worker process for stream {}: {} — retrying in {} ms", stream, e.toString(),
                        SPAWN_RETRY_MS);
                ctx.slots().release(1);
                started.accept(null);
            }
        }, () -> { // the node stops: the start never ran
            ctx.slots().release(1);
            started.accept(null);
        });
    }
}
