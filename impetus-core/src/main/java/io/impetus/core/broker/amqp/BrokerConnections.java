package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.impetus.core.broker.BrokerCallTimeout;
import io.impetus.core.codec.Limits;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's two connections to RabbitMQ, opened with the same client settings: one that consumes
 * and one that publishes (see {@link AmqpBroker}).
 */
record BrokerConnections(Connection consuming, Connection publishing) {
    private static final Logger log = LoggerFactory.getLogger(BrokerConnections.class);
    static final int RECOVERY_INTERVAL_MS = 1000;

    /**
     * Opens both, trying the addresses in order (as the client does at every recovery too); when the
     * second cannot be opened, the first is dropped.
     */
    static BrokerConnections open(ConnectionFactory factory, ConnectionSettings settings, String connectionName)
            throws Exception {
        List<Address> addresses = new ArrayList<>();
        for (String a : settings.addresses()) {
            addresses.add(Address.parseAddress(a));
        }
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
        return new BrokerConnections(connection, publishing);
    }

    /**
     * The largest message body this process takes from the broker: the configured message limit and a MiB, so a body
     * just past the limit is read and refused (dead-lettered) before any copy. The client library needs twice a
     * body's size to assemble it (a 100-MiB body took a 256-MiB coordinator out of heap), and it closes the whole
     * connection on a larger one, which the broker then gives again on every reconnect: so the broker must refuse
     * larger ones at publish, with {@code max_message_size} as broker-config/rabbitmq.conf sets it (RabbitMQ's own
     * default lets 128 MiB through). docs/OPERATIONS.md, "Message size".
     */
    static int maxInboundBody(Limits limits) {
        return (int) Math.min(Integer.MAX_VALUE, limits.maxMessageBytes() + Limits.MIB);
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
        factory.setMaxInboundMessageBodySize(maxInboundBody(Limits.configured()));
        return factory;
    }
}
