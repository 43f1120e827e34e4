package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ChannelContinuationTimeoutException;
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
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    static final int RECOVERY_INTERVAL_MS = 1000;
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
    private final AdminChannels<Channel> adminChannels;
    private final ConfirmingPublisher publisher;
    private final ExecutorService completer;
    private final ExecutorService sender;
    private final ExecutorService rpcSender;
    private final ScheduledExecutorService healer;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DirectReplyRpc rpc;
    private final QueueSweeper sweeper;
    /** The consumers of one delivery budget (a node's streams) share channels, up to 100 a channel. */
    private final Map<DeliveryBudget, ConsumerChannels> sharedChannels =
            Collections.synchronizedMap(new IdentityHashMap<>());
    /** Round trips on the consuming connection: whether the broker still answers where control requests arrive. */
    private final RoundTrip roundTrip;

    private AmqpBroker(ConnectionSettings settings, Connection connection, Connection publishing,
                       PublishDeadline deadline, Clock clock) throws IOException {
        this.settings = settings;
        this.connection = connection;
        this.publishing = publishing;
        this.sweeper = new QueueSweeper(connection);
        this.roundTrip = new RoundTrip(connection);
        this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-confirms"));
        this.sender = Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-publish"));
        this.rpcSender = Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-rpc-send"));
        this.healer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "impetus-topology-heal"));
        this.adminChannels = new AdminChannels<>(AdminChannels.DEFAULT_MAX, connection::createChannel, Channel::isOpen);
        adminChannels.run(ch -> null); // the first admin channel, opened now as before: a broker refusing it fails here
        this.consumeWatch = new ConnectionWatch(connection, "consuming", settings.addresses(), recoveryListeners);
        this.publishWatch = new ConnectionWatch(publishing, "publishing", settings.addresses(), List.of());
        this.publisher = new ConfirmingPublisher(publishing, sender, completer, clock, deadline, this::blocked);
        long every = deadline.checkInterval().toMillis();
        healer.scheduleWithFixedDelay(() -> {
            try {
                publisher.expireOverdue();
            } catch (RuntimeException e) {
                log.warn("checking publish deadlines failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
        ConnectionFactory factory = factory(settings, heartbeat, BrokerCallTimeout.configured());
        List<Address> addresses = new ArrayList<>();
        for (String a : settings.addresses()) {
            addresses.add(Address.parseAddress(a));
        }
        try {
            // the client tries the addresses in order, at the start and at every recovery
            Connection connection = factory.newConnection(addresses, connectionName);
            Connection publishing;
            try {
                publishing = factory.newConnection(addresses, connectionName + " (publishing)");
            } catch (Exception e) {
                connection.abort(1000);
                throw e;
            }
            log.debug("connected to RabbitMQ {} at {} as {} (two connections: consuming, publishing)",
                    settings.redacted(), connection.getAddress().getHostAddress() + ":" + connection.getPort(),
                    connectionName);
            return new AmqpBroker(settings, connection, publishing, deadline, clock);
        } catch (Exception e) {
            throw ConnectionErrors.explain(settings, e);
        }
    }

    /**
     * The client's settings: recovering connections, the AMQP heartbeat, and {@code calls} for every call the
     * broker must answer (the client's default, 10 minutes, would let a wedged broker hold a shutdown that long).
     */
    static ConnectionFactory factory(ConnectionSettings settings, Duration heartbeat, BrokerCallTimeout calls) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.amqpUri());
        } catch (Exception e) {
            throw new BrokerException(BrokerException.Kind.OTHER, "invalid broker URI " + settings.redacted()
                    + ": " + SettingsResolver.redact(e.getMessage()), null);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        factory.setRequestedHeartbeat((int) Math.max(1, heartbeat.toSeconds()));
        factory.setConnectionTimeout(10_000);
        factory.setHandshakeTimeout(10_000);
        factory.setChannelRpcTimeout((int) Math.min(Integer.MAX_VALUE, calls.timeout().toMillis()));
        // after a call timed out, the broker's late answer is not taken for the next call's on that channel
        factory.setChannelShouldCheckRpcResponseType(true);
        return factory;
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
        admin("declare queue " + spec.name(), ch -> {
            ch.queueDeclare(spec.name(), spec.durable(), spec.exclusive(), spec.autoDelete(), spec.arguments());
            return null;
        });
    }

    @Override
    public String declareTemporaryQueue(String name) {
        return admin("declare temporary queue " + name, ch -> ch.queueDeclare(name, false, true, true, Map.of()).getQueue());
    }

    @Override
    public void declareExchange(String name, ExchangeType type, boolean durable) {
        admin("declare exchange " + name, ch -> {
            ch.exchangeDeclare(name, type.wireName(), durable);
            return null;
        });
    }

    @Override
    public void bind(String queue, String exchange, String routingKey) {
        admin("bind " + queue + " to " + exchange, ch -> {
            ch.queueBind(queue, exchange, routingKey);
            return null;
        });
    }

    @Override
    public void deleteQueue(String queue, boolean ifEmpty) {
        if (ifEmpty) {
            // A quorum queue answers queue.delete's if-empty flag with a connection error (not_implemented),
            // which would close this whole connection: look, then delete. Callers delete only queues nothing
            // publishes to any more (a finished client's results, a closed and drained stream's jobs).
            Optional<QueueCounts> counts = inspect(queue);
            if (counts.isEmpty() || counts.get().ready() > 0) {
                return;
            }
        }
        admin("delete queue " + queue, ch -> {
            ch.queueDelete(queue);
            return null;
        });
    }

    @Override
    public void deleteExchange(String exchange) {
        admin("delete exchange " + exchange, ch -> {
            ch.exchangeDelete(exchange);
            return null;
        });
    }

    @Override
    public Optional<QueueCounts> inspect(String queue) {
        return sweeper.counted(queue, () -> {
            try {
                return Optional.of(admin("inspect queue " + queue, ch -> {
                    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
                    return new QueueCounts(queue, ok.getMessageCount(), ok.getConsumerCount());
                }));
            } catch (BrokerException e) {
                if (e.kind() == BrokerException.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        return sweeper.sweep(queue, max, remove);
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
            return AmqpSubscription.start(connection, healer, queue, prefetch, handler, beforeResume, budget, share);
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
                        rpc = new DirectReplyRpc(publishing.createChannel(), rpcSender);
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
        sender.shutdownNow();
        rpcSender.shutdownNow();
        completer.shutdown();
        healer.shutdownNow();
        roundTrip.close();
    }

    /** One admin step on an admin channel of its own (see AdminChannels); a failed step's closed channel is replaced. */
    private <T> T admin(String what, Channels.ChannelCall<T> call) {
        try {
            return adminChannels.run(channel -> {
                try {
                    return call.apply(channel);
                } catch (ChannelContinuationTimeoutException e) {
                    // the broker's late answer could be taken for the next step's: this channel is not used again
                    channel.abort();
                    throw e;
                }
            });
        } catch (IOException | RuntimeException e) {
            if (e instanceof BrokerException be) {
                throw be;
            }
            throw Channels.failure("cannot " + what, e);
        }
    }
}
