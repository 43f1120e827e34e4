package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ adapter: one automatically recovering connection, a lock-guarded admin channel,
 * a confirming publisher channel, a channel per subscription and a direct reply-to RPC channel.
 */
public final class AmqpBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(AmqpBroker.class);
    static final int RECOVERY_INTERVAL_MS = 1000;

    private final ConnectionSettings settings;
    private final Connection connection;
    private volatile String blocked;
    private final Object adminLock = new Object();
    private Channel adminChannel;
    private final ConfirmingPublisher publisher;
    private final ExecutorService completer;
    private final ScheduledExecutorService healer;
    private final List<Runnable> recoveryListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DirectReplyRpc rpc;
    private final QueueSweeper sweeper;

    private AmqpBroker(ConnectionSettings settings, Connection connection) throws IOException {
        this.settings = settings;
        this.connection = connection;
        this.sweeper = new QueueSweeper(connection);
        this.completer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "impetus-confirms");
            t.setDaemon(true);
            return t;
        });
        this.adminChannel = connection.createChannel();
        this.publisher = new ConfirmingPublisher(connection, completer);
        this.healer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "impetus-topology-heal");
            t.setDaemon(true);
            return t;
        });
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                Connection c = (Connection) recoverable;
                log.info("connection to RabbitMQ recovered, now at {}:{} (of {})", c.getAddress().getHostAddress(),
                        c.getPort(), String.join(",", settings.addresses()));
                recoveryListeners.forEach(AmqpBroker::runQuietly);
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                log.warn("connection to RabbitMQ lost; reconnecting to {} every {} ms",
                        String.join(",", settings.addresses()), RECOVERY_INTERVAL_MS);
            }
        });
        // a memory or disk alarm: the broker stops reading this connection's publishes until it clears
        connection.addBlockedListener(new com.rabbitmq.client.BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                blocked = reason;
                log.warn("RabbitMQ blocked this connection ({}): whatever it publishes waits until the broker's alarm"
                        + " clears — free memory or disk on the broker (rabbitmq-diagnostics alarms)", reason);
            }

            @Override
            public void handleUnblocked() {
                blocked = null;
                log.info("RabbitMQ unblocked this connection: publishing goes on");
            }
        });
    }

    @Override
    public java.util.Optional<String> blocked() {
        return java.util.Optional.ofNullable(blocked);
    }

    /** Connects, or throws a {@code BrokerException} with a message a person can act on. */
    public static AmqpBroker connect(ConnectionSettings settings, String connectionName) {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.amqpUri());
        } catch (Exception e) {
            throw new BrokerException(BrokerException.Kind.OTHER, "invalid broker URI " + settings.redacted()
                    + ": " + io.impetus.core.config.SettingsResolver.redact(e.getMessage()), null);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        factory.setRequestedHeartbeat(20);
        factory.setConnectionTimeout(10_000);
        factory.setHandshakeTimeout(10_000);
        List<com.rabbitmq.client.Address> addresses = new java.util.ArrayList<>();
        for (String a : settings.addresses()) {
            addresses.add(com.rabbitmq.client.Address.parseAddress(a));
        }
        try {
            // the client tries the addresses in order, at the start and at every recovery
            Connection connection = factory.newConnection(addresses, connectionName);
            log.debug("connected to RabbitMQ {} at {} as {}", settings.redacted(), connection.getAddress().getHostAddress()
                    + ":" + connection.getPort(), connectionName);
            return new AmqpBroker(settings, connection);
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
    public int sweep(String queue, int max, java.util.function.Predicate<InboundMessage> remove) {
        return sweeper.sweep(queue, max, remove);
    }

    @Override
    public CompletableFuture<Void> publish(OutboundMessage message) {
        return publisher.publish(message);
    }

    @Override
    public Subscription consume(String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        try {
            return AmqpSubscription.start(connection, healer, queue, prefetch, handler, beforeResume);
        } catch (IOException e) {
            throw new BrokerException(Channels.replyCode(e) == 403 ? BrokerException.Kind.ACCESS_REFUSED
                    : BrokerException.Kind.PROTOCOL, "cannot consume queue '" + queue + "': " + Channels.reason(e), e);
        }
    }

    @Override
    public CompletableFuture<InboundMessage> request(OutboundMessage message, Duration timeout) {
        DirectReplyRpc r = rpc;
        if (r == null || !r.isOpen()) {
            synchronized (this) {
                if (rpc == null || (!rpc.isOpen() && connection.isOpen())) {
                    try {
                        rpc = new DirectReplyRpc(connection.createChannel());
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
        return connection.isOpen();
    }

    @Override
    public void onRecovery(Runnable listener) {
        recoveryListeners.add(listener);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        publisher.failPending("the connection was closed");
        try {
            connection.close(5_000);
        } catch (Exception e) {
            log.debug("closing connection: {}", e.toString());
        }
        completer.shutdown();
        healer.shutdownNow();
    }

    /** One admin step on the shared admin channel; a failed step's closed channel is replaced. */
    private <T> T admin(String what, Channels.ChannelCall<T> call) {
        synchronized (adminLock) {
            try {
                if (!adminChannel.isOpen()) {
                    adminChannel = connection.createChannel();
                }
                return call.apply(adminChannel);
            } catch (IOException | RuntimeException e) {
                if (e instanceof BrokerException be) {
                    throw be;
                }
                int code = Channels.replyCode(e);
                throw new BrokerException(code == 404 ? BrokerException.Kind.NOT_FOUND : code == 403
                        ? BrokerException.Kind.ACCESS_REFUSED : code == 406 ? BrokerException.Kind.PRECONDITION_FAILED
                        : BrokerException.Kind.PROTOCOL, "cannot " + what + ": "
                        + Channels.reason(e), e);
            }
        }
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("recovery listener failed: {}", e.toString());
        }
    }
}
