package io.impetus.core.broker;

import io.impetus.core.broker.amqp.AmqpBroker;
import io.impetus.core.config.ConnectionSettings;
import java.time.Clock;
import java.time.Duration;

/** Opens {@link Broker} connections; the only door from domain code to the AMQP adapter. */
public final class Brokers {
    private Brokers() {
    }

    /**
     * Connects to RabbitMQ. Fails at once with a {@code BrokerException} saying what went wrong
     * (unreachable, authentication, vhost) and what to do; later failures are recovered.
     *
     * @param connectionName shown in the management UI's connection list
     */
    public static Broker connect(ConnectionSettings settings, String connectionName) {
        return AmqpBroker.connect(settings, connectionName);
    }

    /**
     * {@link #connect(ConnectionSettings, String)} with its publishes held to {@code deadline} rather than
     * this process's ({@link PublishDeadline#configured()}: {@code IMPETUS_CONFIRM_TIMEOUT_MS} and
     * {@code IMPETUS_CONFIRM_RESENDS}, as the process's edge read them).
     */
    public static Broker connect(ConnectionSettings settings, String connectionName, PublishDeadline deadline) {
        return AmqpBroker.connect(settings, connectionName, deadline, Clock.systemUTC());
    }

    /**
     * Connects with the AMQP heartbeat {@code heartbeat} instead of the default 20 s: RabbitMQ drops a
     * connection it hears nothing on within two to three heartbeats, with its consumers, and requeues what
     * they held (the coordinator asks for a short one, so a partition ends its place on {@code control} soon).
     */
    public static Broker connect(ConnectionSettings settings, String connectionName, Duration heartbeat) {
        return AmqpBroker.connect(settings, connectionName, heartbeat);
    }
}
