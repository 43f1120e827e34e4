package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.impetus.core.broker.DeliveryBudget;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels shared by the consumers of one {@link DeliveryBudget} (a node's streams): up to
 * {@link #DEFAULT_CONSUMERS_PER_CHANNEL} consumers a channel instead of a channel each, so that a
 * node tracking a thousand streams holds a few dozen channels, not a thousand (RabbitMQ allows
 * 2047 a connection, and opening one costs the broker several processes). Each consumer keeps its
 * own prefetch ({@code basic.qos} without {@code global} applies to the consumers started after it
 * on the channel: the two are sent together under the channel's lock). The consumers of a channel
 * share its {@link Acks}, so that an ack of several tags at once never covers another consumer's
 * open delivery. A channel is closed when its last consumer leaves.
 */
final class ConsumerChannels {
    private static final Logger log = LoggerFactory.getLogger(ConsumerChannels.class);
    static final int DEFAULT_CONSUMERS_PER_CHANNEL = 100;

    private final Connection connection;
    private final DeliveryBudget budget;
    private final int perChannel;
    private final Map<Channel, Shared> channels = new IdentityHashMap<>(); // guarded by this

    ConsumerChannels(Connection connection, DeliveryBudget budget, int perChannel) {
        this.connection = connection;
        this.budget = budget;
        this.perChannel = perChannel;
    }

    /** A channel with room for one more consumer (opened when none has room), counted until {@link #release}. */
    synchronized Channel take() throws IOException {
        // a closed channel stays listed until its consumers have left it (a recovering connection reopens
        // it with them on it); no new consumer is put on it meanwhile
        for (Map.Entry<Channel, Shared> e : channels.entrySet()) {
            if (e.getValue().users < perChannel && e.getKey().isOpen()) {
                e.getValue().users++;
                return e.getKey();
            }
        }
        Channel ch = connection.createChannel();
        Shared s = new Shared(new Acks(ch, "shared consumer channel " + ch.getChannelNumber(), budget));
        s.users = 1;
        channels.put(ch, s);
        return ch;
    }

    /** One consumer left {@code ch}; the last one out closes it. */
    void release(Channel ch) {
        boolean last;
        synchronized (this) {
            Shared s = channels.get(ch);
            if (s == null) {
                return; // released by every consumer already
            }
            last = --s.users <= 0;
            if (last) {
                channels.remove(ch);
            }
        }
        if (last && ch.isOpen()) {
            try {
                ch.close();
            } catch (Exception e) {
                log.debug("closing consumer channel {}: {}", ch.getChannelNumber(), e.toString());
            }
        }
    }

    /** The ack bookkeeping of {@code ch}, shared by its consumers. */
    synchronized Acks acks(Channel ch) {
        Shared s = channels.get(ch);
        return s != null ? s.acks : new Acks(ch, "shared consumer channel " + ch.getChannelNumber(), budget);
    }

    /** The channels open now and their consumers (for tests and logs). */
    synchronized List<Integer> usersPerChannel() {
        List<Integer> users = new ArrayList<>();
        channels.forEach((ch, s) -> {
            if (ch.isOpen()) {
                users.add(s.users);
            }
        });
        return users;
    }

    private static final class Shared {
        final Acks acks;
        int users;

        Shared(Acks acks) {
            this.acks = acks;
        }
    }
}
