package io.impetus.testkit.fake;

import io.impetus.core.broker.InboundMessage;
import java.util.List;
import java.util.Map;

/**
 * Where a message goes in a {@link FakeVhost}, as RabbitMQ sends it: routed into the queues its exchange reaches,
 * put at a queue's tail (a queue over its length limit drops its head, dead-lettered as {@code maxlen}), put back
 * where it was when a consumer requeues it (flagged redelivered), or dead-lettered to its queue's
 * dead-letter exchange with RabbitMQ's death headers. Not thread-safe: the vhost calls it under its lock.
 */
final class FakeRouting {
    private final Map<String, FakeQueue> queues;
    private final FakeExchanges exchanges;
    private long seq;

    /** Routes among {@code queues} (the vhost's own map, read live) by {@code exchanges}. */
    FakeRouting(Map<String, FakeQueue> queues, FakeExchanges exchanges) {
        this.queues = queues;
        this.exchanges = exchanges;
    }

    /** The next message's place in the order of arrival. */
    long nextSeq() {
        return seq++;
    }

    /** The queues a message published to {@code exchange} with {@code routingKey} reaches. */
    List<FakeQueue> route(String exchange, String routingKey) {
        return exchanges.route(exchange, routingKey, queues::get);
    }

    /** Puts {@code message} at the tail of {@code q}, dead-lettering what its length limit drops. */
    void enqueue(FakeQueue q, InboundMessage message) {
        for (FakeQueue.Entry dropped : q.put(q.entry(seq++, message))) {
            deadLetter(q, dropped.message(), "maxlen");
        }
    }

    /** Puts {@code entry} back in {@code queue} at its old place, redelivered, unless the queue is gone. */
    void requeue(FakeQueue queue, FakeQueue.Entry entry) {
        if (queue != null && queues.get(queue.name()) == queue) {
            InboundMessage m = entry.message();
            InboundMessage again = new InboundMessage(m.exchange(), m.routingKey(), m.body(), m.contentEncoding(),
                    m.headers(), m.priority(), m.correlationId(), m.replyTo(), m.messageId(), m.type(), true, m.userId());
            for (FakeQueue.Entry dropped : queue.put(new FakeQueue.Entry(entry.seq(), entry.priority(), again))) {
                deadLetter(queue, dropped.message(), "maxlen");
            }
        }
    }

    /** Routes {@code m} to {@code from}'s dead-letter exchange, if it has one, with RabbitMQ's death headers. */
    void deadLetter(FakeQueue from, InboundMessage m, String reason) {
        String exchange = from == null ? null : from.stringArgument("x-dead-letter-exchange");
        if (exchange == null || (!exchange.isEmpty() && !exchanges.has(exchange))) {
            return;
        }
        String key = from.stringArgument("x-dead-letter-routing-key");
        String routingKey = key == null ? m.routingKey() : key;
        InboundMessage dead = FakeExchanges.deadLetter(m, from, exchange, routingKey, reason);
        for (FakeQueue q : route(exchange, routingKey)) {
            if (q != from) {
                enqueue(q, dead);
            }
        }
    }
}
