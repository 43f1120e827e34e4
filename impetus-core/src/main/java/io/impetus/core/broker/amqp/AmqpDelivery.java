package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One message an {@link AmqpSubscription} handed to its handler: settled once (a second ack or reject does
 * nothing), by its channel's {@link Acks} (which may batch acks of one channel: {@link #ackGroup()}). On a
 * channel shared with other consumers, it is listed in its subscription's unsettled set until settled, so
 * that closing the subscription can give back what it still holds. Thread-safe.
 */
final class AmqpDelivery implements Delivery.Grouped {
    private final Acks acks;
    private final long tag;
    private final InboundMessage message;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** Where an unsettled delivery of a shared channel is listed, or {@code null}. */
    private final Set<AmqpDelivery> unsettled;

    AmqpDelivery(Acks acks, long tag, InboundMessage message, Set<AmqpDelivery> unsettled) {
        this.acks = acks;
        this.tag = tag;
        this.message = message;
        this.unsettled = unsettled;
        if (unsettled != null) {
            unsettled.add(this);
        }
    }

    /** Whether it came on {@code channel} (and went back to the queue with it, should the channel close). */
    boolean isOn(Channel channel) {
        return acks.channel == channel;
    }

    private void forget() {
        if (unsettled != null) {
            unsettled.remove(this);
        }
    }

    @Override
    public Object ackGroup() {
        return acks;
    }

    @Override
    public void ackTogether(List<Delivery> group) {
        List<Long> tags = new ArrayList<>(group.size());
        for (Delivery d : group) {
            AmqpDelivery a = (AmqpDelivery) d;
            if (a.settled.compareAndSet(false, true)) {
                tags.add(a.tag);
                a.forget();
            }
        }
        if (!tags.isEmpty()) {
            acks.ack(tags);
        }
    }

    @Override
    public InboundMessage message() {
        return message;
    }

    @Override
    public void ack() {
        if (settled.compareAndSet(false, true)) {
            forget();
            acks.ack(List.of(tag));
        }
    }

    @Override
    public void reject(boolean requeue) {
        if (settled.compareAndSet(false, true)) {
            forget();
            acks.reject(tag, requeue, message.messageId());
        }
    }
}
