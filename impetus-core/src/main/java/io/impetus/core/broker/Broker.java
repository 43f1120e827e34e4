package io.impetus.core.broker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The seam between Impetus and RabbitMQ: one long-lived connection per process, recovered
 * automatically after a network or broker failure (queues, bindings and consumers re-declared).
 * All methods are thread-safe. Publishing is confirmed asynchronously: no thread waits for the
 * broker's confirm unless it chooses to join the returned future.
 */
public interface Broker extends AutoCloseable {

    /** The broker's product version, e.g. {@code 3.10.8}. */
    String serverVersion();

    /** The broker user this connection logged in as (what RabbitMQ checks a message's user id against). */
    String user();

    void declareQueue(QueueSpec spec);

    /**
     * Declares an exclusive, auto-deleted queue named {@code name} (see
     * {@code Topology.eventsQueue}: readable in the management UI, unlike a server-given name)
     * and returns the name.
     */
    String declareTemporaryQueue(String name);

    void declareExchange(String name, ExchangeType type, boolean durable);

    void bind(String queue, String exchange, String routingKey);

    /**
     * Deletes a queue; with {@code ifEmpty}, only when it holds no ready message (checked just before:
     * a message published between the check and the delete is lost, so use it for queues nothing
     * publishes to any more). Missing is fine.
     */
    void deleteQueue(String queue, boolean ifEmpty);

    void deleteExchange(String exchange);

    /**
     * Ready count and consumers of a queue, or empty when there is no such queue. A queue this
     * process is {@link #sweep sweeping} is counted with the messages the sweep holds unacknowledged.
     */
    Optional<QueueCounts> inspect(String queue);

    /**
     * Publishes with a publisher confirm. The future completes when the broker has taken
     * responsibility for the message (for a persistent message to a durable queue: written to
     * disk), or fails with a {@code BrokerException}: retryable on nack or connection loss;
     * {@code NO_ROUTE} when a mandatory message reached no queue, {@code NOT_FOUND} when its
     * exchange is missing. Those two mean the topology must be declared again before a retry.
     */
    CompletableFuture<Void> publish(OutboundMessage message);

    /**
     * Consumes {@code queue} with manual acknowledgement, at most {@code prefetch} unsettled
     * deliveries at a time (0 means unbounded). Each subscription has its own channel.
     *
     * <p>The subscription heals itself: when the broker cancels it (the queue was deleted) or a
     * channel-level error closes its channel, it runs {@code beforeResume} (which may declare the
     * queue again, or throw to wait) and consumes again, retrying every second until it can or
     * is closed.
     */
    Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume);

    /**
     * Like {@link #consume(String, int, DeliveryHandler, Runnable)}, and within {@code budget}: while the
     * bytes of the deliveries held by every subscription of that budget exceed it, this one takes no
     * more (see {@link DeliveryBudget}). A broker that cannot pause a consumer ignores the budget.
     * The subscriptions of one budget may share channels (RabbitMQ: up to 100 consumers a channel,
     * each with its own prefetch), so a process consuming a thousand queues does not hold a thousand
     * channels; a missing queue is refused before anything is consumed.
     */
    default Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume,
                                 DeliveryBudget budget) {
        return consume(queue, prefetch, handler, beforeResume);
    }

    /**
     * Looks at up to {@code max} messages of {@code queue} in order, without consuming it: each one
     * {@code remove} answers true for is taken off the queue (acked), the others stay where they
     * were. Nothing else may consume the queue meanwhile (it holds the dead letters, which only
     * people read). Returns how many were removed.
     */
    default int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        throw new UnsupportedOperationException("this broker cannot look into a queue");
    }

    default Subscription consume(String queue, int prefetch, DeliveryHandler handler) {
        return consume(queue, prefetch, handler, () -> { });
    }

    /**
     * Sends a request to {@code queue} and returns the reply (RabbitMQ direct reply-to). The
     * message's {@code correlationId} must be set; the future fails after {@code timeout}.
     */
    CompletableFuture<InboundMessage> request(OutboundMessage message, Duration timeout);

    /**
     * Why the broker blocked this connection (a memory or disk alarm: it reads no publishes until the
     * alarm clears), or empty while it is not blocked.
     */
    default Optional<String> blocked() {
        return Optional.empty();
    }

    /** Whether the connection is open now (false while it is lost and being recovered, and once closed). */
    boolean isOpen();

    /**
     * Whether the broker answers on the connection that consumes, within {@code within}, while the one that
     * publishes is open: a round trip
     * (a passive declare of {@code amq.direct}), not just an open socket. A connection cut off by a
     * partition stays "open" until its heartbeats time out; this says so at once. At most one round trip
     * is outstanding: a call while one has not come back waits for that one. Never blocks longer than
     * {@code within}. Alarms do not fail it (they block publishes, not declares).
     */
    default boolean answers(Duration within) {
        return isOpen();
    }

    /** Runs {@code listener} each time the connection has recovered after a failure. */
    void onRecovery(Runnable listener);

    /** Closes the connection; idempotent. */
    @Override
    void close();

    /**
     * Drops the connection at once, without waiting for the broker to answer (a broker that no longer
     * answers would hold a {@link #close} until its calls time out): calls waiting for an answer fail, and
     * what this process had taken and not acked goes back to the queues. Safe after {@link #close} and twice;
     * a later {@link #close} does nothing. By default the same as {@link #close}.
     */
    default void abort() {
        close();
    }
}
