package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Publishes on one channel in confirm mode. Publishing takes a short lock (AMQP frames of one
 * channel must not interleave); confirms complete the futures asynchronously.
 */
final class ConfirmingPublisher {
    private final Channel channel;
    private final ConfirmTracker tracker;

    ConfirmingPublisher(Channel channel, Executor completer) throws IOException {
        this.channel = channel;
        this.tracker = new ConfirmTracker(completer);
        channel.confirmSelect();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                tracker.confirmed(seq, multiple, true);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                tracker.confirmed(seq, multiple, false);
            }
        });
        channel.addShutdownListener(cause -> tracker.failAll("the channel closed (" + Channels.reason(cause) + ")"));
    }

    CompletableFuture<Void> publish(OutboundMessage m) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (this) {
            long seq = channel.getNextPublishSeqNo();
            tracker.track(seq, future);
            try {
                channel.basicPublish(m.exchange(), m.routingKey(), false, Channels.properties(m), m.body());
            } catch (IOException | RuntimeException e) {
                tracker.forget(seq);
                future.completeExceptionally(new BrokerException(BrokerException.Kind.UNREACHABLE,
                        "cannot publish to '" + m.exchange() + "' with key '" + m.routingKey() + "': "
                                + Channels.reason(e), e));
            }
        }
        return future;
    }

    void failPending(String why) {
        tracker.failAll(why);
    }
}
