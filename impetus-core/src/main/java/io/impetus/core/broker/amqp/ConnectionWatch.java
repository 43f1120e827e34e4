package io.impetus.core.broker.amqp;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to one of a process's connections: logs its loss and recovery (and runs the broker's
 * recovery listeners), and remembers why RabbitMQ blocks it — a memory or disk alarm: the broker
 * reads nothing more from a connection that publishes until the alarm clears.
 */
final class ConnectionWatch {
    private static final Logger log = LoggerFactory.getLogger(ConnectionWatch.class);

    private final String role;
    private volatile String blocked;

    ConnectionWatch(Connection connection, String role, List<String> addresses, List<Runnable> onRecovery) {
        this.role = role;
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                Connection c = (Connection) recoverable;
                unblock(); // a new connection: RabbitMQ says connection.blocked again if its alarm still holds
                log.info("{} connection to RabbitMQ recovered, now at {}:{} (of {})", role,
                        c.getAddress().getHostAddress(), c.getPort(), String.join(",", addresses));
                onRecovery.forEach(ConnectionWatch::runQuietly);
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                unblock(); // the blocked connection is gone; nothing will say it was unblocked
                log.warn("{} connection to RabbitMQ lost; reconnecting to {} every {} ms", role,
                        String.join(",", addresses), BrokerConnections.RECOVERY_INTERVAL_MS);
            }
        });
        connection.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                blocked = reason;
                log.warn("RabbitMQ blocked the {} connection ({}): whatever it publishes waits until the broker's"
                        + " alarm clears — free memory or disk on the broker (rabbitmq-diagnostics alarms)", role, reason);
            }

            @Override
            public void handleUnblocked() {
                blocked = null;
                log.info("RabbitMQ unblocked the {} connection: publishing goes on", role);
            }
        });
    }

    private void unblock() {
        if (blocked != null) {
            log.info("the {} connection that RabbitMQ blocked ({}) is gone: no longer counted as blocked", role, blocked);
            blocked = null;
        }
    }

    Optional<String> blocked() {
        return Optional.ofNullable(blocked);
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("recovery listener failed: {}", e.toString());
        }
    }
}
