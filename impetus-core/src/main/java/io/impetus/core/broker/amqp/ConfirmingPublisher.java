package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes on one channel in confirm mode, with {@code mandatory} where the message asks for it.
 * Publishing takes a short lock (AMQP frames of one channel must not interleave); confirms and
 * returns complete the futures asynchronously. A channel closed by a channel-level error (a
 * publish to a missing exchange: 404) is not recovered by the client library, so the next
 * publish opens a new one; a connection-level loss is left to automatic recovery.
 */
final class ConfirmingPublisher {
    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final Connection connection;
    private final Executor completer;
    private Channel channel;
    private ConfirmTracker tracker;

    ConfirmingPublisher(Connection connection, Executor completer) throws IOException {
        this.connection = connection;
        this.completer = completer;
        open();
    }

    private void open() throws IOException {
        Channel ch = connection.createChannel();
        ConfirmTracker t = new ConfirmTracker(completer);
        ch.confirmSelect();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                t.confirmed(seq, multiple, true);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                t.confirmed(seq, multiple, false);
            }
        });
        ch.addReturnListener(r -> t.returned(r.getExchange(), r.getRoutingKey(), r.getReplyText()));
        ch.addShutdownListener(cause -> {
            boolean missing = cause.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == 404;
            t.failAll(missing ? BrokerException.Kind.NOT_FOUND : BrokerException.Kind.UNREACHABLE,
                    "the channel closed (" + Channels.reason(cause) + ")");
        });
        channel = ch;
        tracker = t;
    }

    CompletableFuture<Void> publish(OutboundMessage m) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            try {
                if (!channel.isOpen() && connection.isOpen()) {
                    log.info("publisher channel was closed ({}); opening a new one",
                            channel.getCloseReason() == null ? "?" : Channels.reason(channel.getCloseReason()));
                    open();
                }
            } catch (IOException | RuntimeException e) {
                future.completeExceptionally(new BrokerException(BrokerException.Kind.UNREACHABLE,
                        "cannot open a channel to publish: " + Channels.reason(e), e));
                return future;
            }
            long seq = channel.getNextPublishSeqNo();
            tracker.track(seq, future, m.exchange(), m.routingKey());
            try {
                channel.basicPublish(m.exchange(), m.routingKey(), m.mandatory(), Channels.properties(m), m.body());
            } catch (IOException | RuntimeException e) {
                tracker.forget(seq);
                future.completeExceptionally(new BrokerException(BrokerException.Kind.UNREACHABLE,
                        "cannot publish to '" + m.exchange() + "' with key '" + m.routingKey() + "': "
                                + Channels.reason(e), e));
            }
        }
        return future;
    }

    synchronized void failPending(String why) {
        tracker.failAll(BrokerException.Kind.UNREACHABLE, why);
    }
}
