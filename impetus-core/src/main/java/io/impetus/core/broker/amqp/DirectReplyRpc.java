package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Request/reply over RabbitMQ's direct reply-to pseudo-queue on one channel. A request's timeout
 * runs from the call, and the request is written by one sending thread: a publish the broker does
 * not read (a memory or disk alarm) neither blocks the caller nor stops its timeout.
 */
final class DirectReplyRpc {
    static final String REPLY_TO = "amq.rabbitmq.reply-to";

    private final Channel channel;
    private final Executor sender;
    private final Map<String, CompletableFuture<InboundMessage>> pending = new ConcurrentHashMap<>();

    /** @param sender one thread: every publish on {@code channel} runs on it */
    DirectReplyRpc(Channel channel, Executor sender) throws IOException {
        this.channel = channel;
        this.sender = sender;
        channel.basicConsume(REPLY_TO, true, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                CompletableFuture<InboundMessage> f = props.getCorrelationId() == null ? null
                        : pending.remove(props.getCorrelationId());
                if (f != null) {
                    f.complete(Channels.inbound(envelope, props, body));
                }
            }
        });
        channel.addReturnListener(r -> {
            CompletableFuture<InboundMessage> f = r.getProperties().getCorrelationId() == null ? null
                    : pending.remove(r.getProperties().getCorrelationId());
            if (f != null) {
                f.completeExceptionally(new BrokerException(BrokerException.Kind.NO_ROUTE, "no queue '"
                        + r.getRoutingKey() + "' took the request (" + r.getReplyText() + ")", null));
            }
        });
        channel.addShutdownListener(cause -> pending.values().forEach(f -> f.completeExceptionally(
                new BrokerException(BrokerException.Kind.UNREACHABLE, "connection lost while waiting for a reply ("
                        + Channels.reason(cause) + ")", cause))));
    }

    /** False once a channel-level error closed the channel: open another. */
    boolean isOpen() {
        return channel.isOpen();
    }

    CompletableFuture<InboundMessage> call(OutboundMessage request, Duration timeout) {
        String id = request.correlationId();
        if (id == null) {
            throw new IllegalArgumentException("an RPC request needs a correlation id");
        }
        CompletableFuture<InboundMessage> f = new CompletableFuture<>();
        pending.put(id, f);
        OutboundMessage withReply = new OutboundMessage(request.exchange(), request.routingKey(), request.body(),
                request.contentEncoding(), request.headers(), request.priority(), id, REPLY_TO,
                request.messageId(), request.type(), false, true, request.userId());
        CompletableFuture<InboundMessage> answer = f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e instanceof TimeoutException) {
                        pending.remove(id);
                    }
                });
        try {
            sender.execute(() -> send(withReply, f));
        } catch (RuntimeException e) { // the broker is closing
            fail(withReply, f, e);
        }
        return answer;
    }

    /** On the sending thread. */
    private void send(OutboundMessage withReply, CompletableFuture<InboundMessage> f) {
        if (f.isDone()) {
            return; // timed out while waiting its turn
        }
        try {
            channel.basicPublish(withReply.exchange(), withReply.routingKey(), true,
                    Channels.properties(withReply), withReply.body());
        } catch (IOException | RuntimeException e) {
            fail(withReply, f, e);
        }
    }

    private void fail(OutboundMessage withReply, CompletableFuture<InboundMessage> f, Exception e) {
        pending.remove(withReply.correlationId());
        f.completeExceptionally(new BrokerException(BrokerException.Kind.UNREACHABLE, "cannot send request to '"
                + withReply.routingKey() + "': " + Channels.reason(e), e));
    }
}
