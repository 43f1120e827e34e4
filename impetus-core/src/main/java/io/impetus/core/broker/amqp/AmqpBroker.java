package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.BrokerCallTimeout;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ adapter: two automatically recovering connections — one that only publishes (the
 * confirming publisher's channel and the direct reply-to RPC channel) and one that never does (a
 * few admin channels and a channel per subscription) — so that when a memory or disk alarm
 * makes RabbitMQ block the publishing connection, deliveries, acks and declarations go on.
 */
public final class AmqpBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(AmqpBroker.class);
    /** How long a connection's close waits for the broker's answer before the connection is aborted. */
    static final int CLOSE_WAIT_MS = 5_000;
    /** The AMQP heartbeat asked for unless a process asks for another. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);

    private final ConnectionSettings settings;
    /** Consumes, acks, declares, inspects: never publishes, so RabbitMQ never blocks it. */
    private final Connection connection;
    /** Publishes (jobs, results, events, requests): blocked by RabbitMQ during an alarm. */
    private final Connection publishing;
    private final ConnectionWatch consumeWatch;
    private final ConnectionWatch publishWatch;
    private final AdminSteps admin;
    private final ConfirmingPublisher publisher;
    private final BrokerThreads threads;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DirectReplyRpc rpc;
    /** The consumers of one delivery budget (a node's streams) share channels, up to 100 a channel. */
    private final Map<DeliveryBudget, ConsumerChannels> sharedChannels =
            Collections.synchronizedMap(new IdentityHashMap<>());
    /** Round trips on the consuming connection: whether the broker still answers where control requests arrive. */
    private final RoundTrip roundTrip;

    private AmqpBroker(ConnectionSettings settings, BrokerConnections connections, PublishDeadline deadline,
                       Clock clock) throws IOException {
        this.settings = settings;
        this.connection = connections.consuming();
        this.publishing = connections.publishing();
        this.roundTrip = new RoundTrip(connection);
        this.threads = BrokerThreads.start();
        this.admin = new AdminSteps(connection);
        this.consumeWatch = new ConnectionWatch(connection, "consuming", settings.addresses(), recoveryListeners);
        this.publishWatch = new ConnectionWatch(publishing, "publishing", settings.addresses(), List.of());
        this.publisher = new ConfirmingPublisher(publishing, threads.sender(), threads.completer(), clock, deadline,
                this::blocked);
        long every = deadline.checkInterval().toMillis();
        threads.healer().scheduleWithFixedDelay(() -> {
            try {
                publisher.expireOverdue();
            } catch (RuntimeException e) {
                log.warn("checking publish deadlines failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Why RabbitMQ blocks this process's publishing (or, should it ever, its consuming) connection. */
    @Override
    public Optional<String> blocked() {
        return publishWatch.blocked().or(consumeWatch::blocked);
    }

    /**
     * Connects, or throws a {@code BrokerException} with a message a person can act on; publishes are held to
     * this process's deadline ({@link PublishDeadline#configured()}).
     */
    public static AmqpBroker connect(ConnectionSettings settings, String connectionName) {
        return connect(settings, connectionName, PublishDeadline.configured(), Clock.systemUTC());
    }

    /** {@link #connect(ConnectionSettings, String)} with its publishes held to {@code deadline}. */
    public static AmqpBroker connect(ConnectionSettings settings, String connectionName, PublishDeadline deadline,
                                     Clock clock) {
        return connect(settings, connectionName, deadline, clock, DEFAULT_HEARTBEAT);
    }

    /**
     * Connects with the AMQP heartbeat {@code heartbeat} (RabbitMQ closes a connection it has heard
     * nothing on for two to three of them, which ends a cut-off process's consumers and requeues what
     * they held).
     */
    public static AmqpBroker connect(ConnectionSettings settings, String connectionName, Duration heartbeat) {
        return connect(settings, connectionName, PublishDeadline.configured(), Clock.systemUTC(),
                heartbeat);
    }

    /** {@link #connect(ConnectionSettings, String, PublishDeadline, Clock)} with the AMQP heartbeat {@code heartbeat}. */
    public static AmqpBroker connect(ConnectionSettings settings, String connectionName, PublishDeadline deadline,
                                     Clock clock, Duration heartbeat) {
        ConnectionFactory factory = BrokerConnections.factory(settings, heartbeat, BrokerCallTimeout.configured());
        try {
            return new AmqpBroker(settings, BrokerConnections.open(factory, settings, connectionName), deadline, clock);
        } catch (Exception e) {
            throw ConnectionErrors.explain(settings, e);
        }
    }

    @Override
    public String serverVersion() {
        Object v = connection.getServerProperties().get("version");
        return v == null ? "unknown" : v.toString();
    }

    @Override
    public String user() {
        return settings.user();
    }

    @Override
    public void declareQueue(QueueSpec spec) {
        admin.declareQueue(spec);
    }

    @Override
    public String declareTemporaryQueue(String name) {
        return admin.declareTemporaryQueue(name);
    }

    @Override
    public void declareExchange(String name, ExchangeType type, boolean durable) {
        admin.declareExchange(name, type, durable);
    }

    @Override
    public void bind(String queue, String exchange, String routingKey) {
        admin.bind(queue, exchange, routingKey);
    }

    @Override
    public void deleteQueue(String queue, boolean ifEmpty) {
        admin.deleteQueue(queue, ifEmpty);
    }

    @Override
    public void deleteExchange(String exchange) {
        admin.deleteExchange(exchange);
    }

    @Override
    public Optional<QueueCounts> inspect(String queue) {
        return admin.inspect(queue);
    }

    @Override
    public int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        return admin.sweep(queue, max, remove);
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        return publisher.publish(message);
    }

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        return consume(queue, prefetch, handler, beforeResume, null);
    }

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume,
                                DeliveryBudget budget) {
        try {
            ConsumerChannels share = null;
            if (budget != null) {
                // a consume of a missing queue closes its channel: on a shared one, the others' too
                if (inspect(queue).isEmpty()) {
                    throw new BrokerException(BrokerException.Kind.NOT_FOUND, "cannot consume queue '" + queue
                            + "': no such queue", null);
                }
                share = sharedChannels.computeIfAbsent(budget, b -> new ConsumerChannels(connection, b,
                        ConsumerChannels.DEFAULT_CONSUMERS_PER_CHANNEL));
            }
            return AmqpSubscription.start(connection, threads.healer(), queue, prefetch, handler, beforeResume, budget,
                    share);
        } catch (IOException e) {
            throw Channels.failure("cannot consume queue '" + queue + "'", e);
        }
    }

    @Override
    public CompletableFuture<InboundMessage> request(OutboundMessage message, Duration timeout) {
        DirectReplyRpc r = rpc;
        if (r == null || !r.isOpen()) {
            synchronized (this) {
                if (rpc == null || (!rpc.isOpen() && publishing.isOpen())) {
                    try {
                        rpc = new DirectReplyRpc(publishing.createChannel(), threads.rpcSender());
                    } catch (IOException e) {
                        throw new BrokerException(BrokerException.Kind.PROTOCOL, "cannot open the RPC channel: "
                                + Channels.reason(e), e);
                    }
                }
                r = rpc;
            }
        }
        return r.call(message, timeout);
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen() && publishing.isOpen();
    }

    @Override
    public boolean answers(Duration within) {
        // the publishing connection carries every reply and publish: a process that can only consume
        // does not count as reachable (a coordinator keeping the lease then would answer nobody)
        return publishing.isOpen() && roundTrip.answers(within);
    }

    @Override
    public void onRecovery(Runnable listener) {
        recoveryListeners.add(listener);
    }

    @Override
    public void close() {
        shutDown(false);
    }

    @Override
    public void abort() {
        shutDown(true);
    }

    private void shutDown(boolean abort) {
        if (!closed.compareAndSet(false, true)) {
            if (abort) { // a close may be waiting for a broker that does not answer
                publishing.abort(CLOSE_WAIT_MS);
                connection.abort(CLOSE_WAIT_MS);
            }
            return;
        }
        publisher.failPending("the connection was closed");
        for (Connection c : List.of(publishing, connection)) {
            try {
                if (abort) {
                    c.abort(CLOSE_WAIT_MS);
                } else {
                    c.close(CLOSE_WAIT_MS);
                }
            } catch (Exception e) { // no answer in time (or already closed): dropped without waiting for one
                log.debug("closing connection: {}; aborting it", e.toString());
                c.abort(CLOSE_WAIT_MS);
            }
        }
        threads.shutDown();
        roundTrip.close();
    }
}
