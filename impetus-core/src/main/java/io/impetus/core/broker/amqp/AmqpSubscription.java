package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.Subscription;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A consumer on its own channel with manual acks and a prefetch bound. */
final class AmqpSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(AmqpSubscription.class);

    private final Channel channel;
    private final String queue;
    private volatile String consumerTag;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    private AmqpSubscription(Channel channel, String queue) {
        this.channel = channel;
        this.queue = queue;
    }

    static AmqpSubscription start(Channel channel, String queue, int prefetch, DeliveryHandler handler)
            throws IOException {
        AmqpSubscription sub = new AmqpSubscription(channel, queue);
        channel.basicQos(prefetch);
        sub.consumerTag = channel.basicConsume(queue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                AmqpDelivery d = new AmqpDelivery(channel, envelope.getDeliveryTag(),
                        Channels.inbound(envelope, props, body));
                try {
                    handler.handle(d);
                } catch (Exception e) {
                    log.warn("handler for queue {} failed ({}); message requeued", queue, e.toString());
                    d.reject(true);
                }
            }

            @Override
            public void handleCancel(String tag) {
                log.warn("the broker cancelled the consumer of queue {} (queue deleted?)", queue);
            }
        });
        return sub;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public void cancel() {
        if (cancelled.compareAndSet(false, true) && channel.isOpen()) {
            try {
                channel.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                log.debug("cancel consumer of {}: {}", queue, e.toString());
            }
        }
    }

    @Override
    public void close() {
        cancel();
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (Exception e) {
            log.debug("close channel of {}: {}", queue, e.toString());
        }
    }

    private static final class AmqpDelivery implements Delivery {
        private final Channel channel;
        private final long tag;
        private final InboundMessage message;
        private final AtomicBoolean settled = new AtomicBoolean();

        AmqpDelivery(Channel channel, long tag, InboundMessage message) {
            this.channel = channel;
            this.tag = tag;
            this.message = message;
        }

        @Override
        public InboundMessage message() {
            return message;
        }

        @Override
        public void ack() {
            if (settled.compareAndSet(false, true)) {
                try {
                    channel.basicAck(tag, false);
                } catch (IOException | RuntimeException e) {
                    log.warn("ack of message {} failed ({}); the broker will redeliver it", message.messageId(),
                            e.toString());
                }
            }
        }

        @Override
        public void reject(boolean requeue) {
            if (settled.compareAndSet(false, true)) {
                try {
                    channel.basicReject(tag, requeue);
                } catch (IOException | RuntimeException e) {
                    log.warn("reject of message {} failed ({}); the broker will redeliver it", message.messageId(),
                            e.toString());
                }
            }
        }
    }
}
