package io.impetus.coordinator;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.Subscription;
import io.impetus.core.loop.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only the active coordinator does on the broker: consume the control requests, the delayed
 * jobs and the dead-letter watch (the queues it is given). Taken when the coordinator's lease makes it active and dropped when it stands by, so a
 * coordinator that lost its store or its broker no longer takes requests it cannot serve while a
 * healthy standby waits (single active consumer alone would keep the first consumer, whatever its
 * state). A dropped consumer is cancelled at once, so nothing new reaches it; what it already has is
 * answered and acked, and its channel is closed a little later. Cancels and closes run on the executor
 * given, never on the caller's thread (the lease's): on a connection cut off by a partition they wait for
 * an answer that comes only when the connection's heartbeats time out. Thread-safe.
 */
final class ActiveDuties {
    private static final Logger log = LoggerFactory.getLogger(ActiveDuties.class);
    /** How long a cancelled consumer's channel stays open for the acks of what it already had. */
    static final long CLOSE_AFTER_MS = 10_000;

    private final Broker broker;
    private final int prefetch;
    private final Map<String, DeliveryHandler> queues;
    private final Runnable repair;
    private final Timer later;
    private final Executor calls;
    private final List<Subscription> subscriptions = new ArrayList<>();

    /**
     * @param queues each queue to consume while active, with its handler, in the order to take them
     * @param repair runs before a consumer resumes on a queue found missing (declares the shared topology)
     * @param later runs a task after a delay in milliseconds
     */
    ActiveDuties(Broker broker, int prefetch, Map<String, DeliveryHandler> queues, Runnable repair,
                 Timer later) {
        this(broker, prefetch, queues, repair, later, Runnable::run);
    }

    /** @param calls runs the cancels and closes of dropped consumers (never the caller's thread in production) */
    ActiveDuties(Broker broker, int prefetch, Map<String, DeliveryHandler> queues, Runnable repair,
                 Timer later, Executor calls) {
        this.calls = calls;
        this.broker = broker;
        this.prefetch = prefetch;
        this.queues = new LinkedHashMap<>(queues);
        this.repair = repair;
        this.later = later;
    }

    /** Starts consuming control requests and delayed jobs, unless it already does. */
    synchronized void take() {
        if (!subscriptions.isEmpty()) {
            return;
        }
        try {
            queues.forEach((queue, handler) -> subscriptions.add(broker.consume(queue, prefetch, handler, repair)));
            log.info("active: consuming {}", String.join(", ", queues.keySet()));
        } catch (RuntimeException e) {
            dropAll();
            throw e;
        }
    }

    /** Stops consuming them, if it does. */
    synchronized void drop() {
        if (!subscriptions.isEmpty()) {
            dropAll();
            log.info("standing by: no longer consuming {}", String.join(", ", queues.keySet()));
        }
    }

    /** Whether it consumes them now. */
    synchronized boolean taken() {
        return !subscriptions.isEmpty();
    }

    private void dropAll() {
        List<Subscription> dropped = List.copyOf(subscriptions);
        subscriptions.clear();
        try {
            calls.execute(() -> dropped.forEach(Subscription::cancel));
            later.schedule(() -> calls.execute(() -> dropped.forEach(Subscription::close)), CLOSE_AFTER_MS);
        } catch (RuntimeException stopping) {
            dropped.forEach(Subscription::close); // the coordinator is stopping: nothing waits for later
        }
    }
}
