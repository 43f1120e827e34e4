package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A command's connection to RabbitMQ and, through it, to the coordinator: the connect boilerplate every
 * command that asks the coordinator shares, written once. The control client (and the signing key it needs)
 * is made on first use, so a command that only reads queues never reads the key. Closing closes the connection.
 */
final class ControlSession implements AutoCloseable {
    /** How long a command waits for the coordinator's answer unless it says otherwise. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Broker broker;
    private final ConnectionSettings settings;
    private final Duration timeout;
    private final Supplier<SigningKey> key;
    private ControlClient control;

    private ControlSession(Broker broker, ConnectionSettings settings, Duration timeout, Supplier<SigningKey> key) {
        this.broker = broker;
        this.settings = settings;
        this.timeout = timeout;
        this.key = key;
    }

    /**
     * Connects to the broker {@code settings} name as {@code impetus <command>} (the name the management UI
     * shows); requests to the coordinator wait {@code timeout} and are signed with {@code key}'s key, if any.
     */
    static ControlSession open(ConnectionSettings settings, String command, Duration timeout, Supplier<SigningKey> key) {
        return new ControlSession(Brokers.connect(settings, "impetus " + command), settings, timeout, key);
    }

    Broker broker() {
        return broker;
    }

    ConnectionSettings settings() {
        return settings;
    }

    Topology topology() {
        return settings.topology();
    }

    /** The coordinator's control client, made on first use. */
    ControlClient control() {
        if (control == null) {
            control = new ControlClient(broker, settings.topology(), timeout, key.get());
        }
        return control;
    }

    @Override
    public void close() {
        broker.close();
    }
}
