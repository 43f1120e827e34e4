package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.Connection;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The broker's topology steps on the consuming connection: declare, bind, delete, inspect and sweep,
 * each on an admin channel of its own ({@link AdminChannels}); a step the broker refuses is thrown as
 * the seam's {@code BrokerException} naming what was asked. Thread-safe.
 */
final class AdminSteps {
    private final AdminChannels<Channel> channels;
    private final QueueSweeper sweeper;

    /** Opens the first admin channel now: a broker refusing it fails here. */
    AdminSteps(Connection connection) throws IOException {
        this.channels = new AdminChannels<>(AdminChannels.DEFAULT_MAX, connection::createChannel, Channel::isOpen);
        this.sweeper = new QueueSweeper(connection);
        channels.run(ch -> null);
    }

    void declareQueue(QueueSpec spec) {
        run("declare queue " + spec.name(), ch -> {
            ch.queueDeclare(spec.name(), spec.durable(), spec.exclusive(), spec.autoDelete(), spec.arguments());
            return null;
        });
    }

    String declareTemporaryQueue(String name) {
        return run("declare temporary queue " + name, ch -> ch.queueDeclare(name, false, true, true, Map.of()).getQueue());
    }

    void declareExchange(String name, ExchangeType type, boolean durable) {
        run("declare exchange " + name, ch -> {
            ch.exchangeDeclare(name, type.wireName(), durable);
            return null;
        });
    }

    void bind(String queue, String exchange, String routingKey) {
        run("bind " + queue + " to " + exchange, ch -> {
            ch.queueBind(queue, exchange, routingKey);
            return null;
        });
    }

    void deleteQueue(String queue, boolean ifEmpty) {
        if (ifEmpty) {
            // A quorum queue answers queue.delete's if-empty flag with a connection error (not_implemented),
            // which would close this whole connection: look, then delete. Callers delete only queues nothing
            // publishes to any more (a finished client's results, a closed and drained stream's jobs).
            Optional<QueueCounts> counts = inspect(queue);
            if (counts.isEmpty() || counts.get().ready() > 0) {
                return;
            }
        }
        run("delete queue " + queue, ch -> {
            ch.queueDelete(queue);
            return null;
        });
    }

    void deleteExchange(String exchange) {
        run("delete exchange " + exchange, ch -> {
            ch.exchangeDelete(exchange);
            return null;
        });
    }

    Optional<QueueCounts> inspect(String queue) {
        return sweeper.counted(queue, () -> {
            try {
                return Optional.of(run("inspect queue " + queue, ch -> {
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

    int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        return sweeper.sweep(queue, max, remove);
    }

    /** One step on an admin channel of its own; a failed step's closed channel is replaced. */
    private <T> T run(String what, Channels.ChannelCall<T> call) {
        try {
            return channels.run(channel -> {
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
