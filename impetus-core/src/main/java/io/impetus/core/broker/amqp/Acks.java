package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import io.impetus.core.broker.DeliveryBudget;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery tags of one channel (of an {@link AmqpSubscription}) still open (taken, not settled) and those acked but not yet
 * told to the broker: a run of acked tags with no open tag below it goes as one
 * {@code basic.ack(multiple)}; an acked tag above an open one goes alone at once, so a long job
 * never holds back the acks of the jobs after it.
 */
final class Acks {
    private static final Logger log = LoggerFactory.getLogger(Acks.class);

    final Channel channel;
    private final String queue;
    private final DeliveryBudget budget;
    private final TreeSet<Long> open = new TreeSet<>();
    private final TreeSet<Long> acked = new TreeSet<>();
    /** The body size of each open tag, counted in the budget until it is settled. */
    private final Map<Long, Integer> sizes = new HashMap<>();

    Acks(Channel channel, String queue) {
        this(channel, queue, null);
    }

    Acks(Channel channel, String queue, DeliveryBudget budget) {
        this.channel = channel;
        this.queue = queue;
        this.budget = budget;
    }

    void opened(long tag) {
        opened(tag, 0);
    }

    void opened(long tag, int bytes) {
        synchronized (this) {
            open.add(tag);
            if (budget != null) {
                sizes.put(tag, bytes);
            }
        }
        if (budget != null) {
            budget.take(bytes);
        }
    }

    /** Gives back to the budget what the settled {@code tags} held (each once). */
    private void settled(Collection<Long> tags) {
        if (budget == null) {
            return;
        }
        long bytes = 0;
        synchronized (this) {
            for (Long tag : tags) {
                Integer b = sizes.remove(tag);
                bytes += b == null ? 0 : b;
            }
        }
        if (bytes > 0) {
            budget.release(bytes);
        }
    }

    /** The channel is gone: what it held goes back to its queue, and out of the budget. */
    void closed() {
        List<Long> held;
        synchronized (this) {
            held = List.copyOf(sizes.keySet());
        }
        settled(held);
    }

    /**
     * Rejects {@code tag} under the lock the acks take: an ack of later tags sent meanwhile with
     * {@code multiple} would otherwise cover this one too (acking a job that was to go back to its
     * queue: lost), and the late reject of a tag the broker no longer knows closes the channel.
     */
    void reject(long tag, boolean requeue, String messageId) {
        rejectNow(tag, requeue, messageId);
        settled(List.of(tag));
    }

    private synchronized void rejectNow(long tag, boolean requeue, String messageId) {
        open.remove(tag);
        try {
            channel.basicReject(tag, requeue);
        } catch (IOException | RuntimeException e) {
            log.warn("reject of message {} failed ({}); the broker will redeliver it", messageId, e.toString());
        }
    }

    void ack(Collection<Long> tags) {
        ackNow(tags);
        settled(tags);
    }

    private synchronized void ackNow(Collection<Long> tags) {
        open.removeAll(tags);
        acked.addAll(tags);
        long floor = open.isEmpty() ? Long.MAX_VALUE : open.first();
        Long top = acked.lower(floor);
        try {
            if (top != null) {
                boolean several = acked.first() < top;
                channel.basicAck(top, several);
                acked.headSet(top, true).clear();
            }
            for (long tag : acked) {
                channel.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ack on queue {} failed ({}); the broker will redeliver what was not acked", queue, e.toString());
        } finally {
            acked.clear();
        }
    }
}
