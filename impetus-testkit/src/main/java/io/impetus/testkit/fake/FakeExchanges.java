package io.impetus.testkit.fake;

import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The exchanges of a {@link FakeVhost}, their bindings, and how RabbitMQ routes by exchange type and marks a
 * dead letter. Not thread-safe: the vhost calls it under its lock.
 */
final class FakeExchanges {
    private final Map<String, ExchangeType> exchanges = new HashMap<>();
    private final List<Binding> bindings = new ArrayList<>();

    private record Binding(String exchange, String queue, String key) {
    }

    boolean has(String name) {
        return exchanges.containsKey(name);
    }

    /** Declares {@code name}; again with the same type is fine, with another fails as RabbitMQ does. */
    void declare(String name, ExchangeType type) {
        ExchangeType existing = exchanges.putIfAbsent(name, type);
        if (existing != null && existing != type) {
            throw new BrokerException(Kind.PRECONDITION_FAILED, "cannot declare exchange " + name + ": it is a "
                    + existing.wireName() + " exchange, not " + type.wireName(), null);
        }
    }

    /** Binds {@code queue} (which exists) to {@code exchange}; binding twice is one binding. */
    void bind(String queue, String exchange, String routingKey) {
        Binding b = new Binding(exchange, queue, routingKey);
        if (!bindings.contains(b)) {
            bindings.add(b);
        }
    }

    void delete(String exchange) {
        exchanges.remove(exchange);
        bindings.removeIf(b -> b.exchange.equals(exchange));
    }

    /** The bindings of a deleted queue go with it. */
    void unbindQueue(String queue) {
        bindings.removeIf(b -> b.queue.equals(queue));
    }

    /** The queues {@code exchange} routes {@code routingKey} to ({@code ""}: the default exchange, by queue name). */
    List<FakeQueue> route(String exchange, String routingKey, Function<String, FakeQueue> queues) {
        if (exchange.isEmpty()) {
            FakeQueue q = queues.apply(routingKey);
            return q == null ? List.of() : List.of(q);
        }
        ExchangeType type = exchanges.get(exchange);
        return bindings.stream().filter(b -> b.exchange.equals(exchange))
                .filter(b -> type == ExchangeType.FANOUT || (type == ExchangeType.DIRECT ? b.key.equals(routingKey)
                        : TopicPattern.matches(b.key, routingKey)))
                .map(b -> queues.apply(b.queue)).distinct().toList();
    }

    /** {@code m} as RabbitMQ dead-letters it from {@code from} for {@code reason}: to {@code exchange}, with death headers. */
    static InboundMessage deadLetter(InboundMessage m, FakeQueue from, String exchange, String routingKey,
                                     String reason) {
        Map<String, Object> headers = new HashMap<>(m.headers());
        Map<String, Object> death = new HashMap<>();
        death.put("count", 1L);
        death.put("reason", reason);
        death.put("queue", from.name());
        death.put("exchange", m.exchange());
        death.put("routing-keys", List.of(m.routingKey()));
        headers.put("x-death", List.of(death));
        headers.putIfAbsent("x-first-death-reason", reason);
        headers.putIfAbsent("x-first-death-queue", from.name());
        headers.putIfAbsent("x-first-death-exchange", m.exchange());
        return new InboundMessage(exchange, routingKey, m.body(), m.contentEncoding(), headers,
                m.priority(), m.correlationId(), m.replyTo(), m.messageId(), m.type(), false, m.userId());
    }
}
