package io.impetus.testkit.fake;

import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * What {@link FakeBroker} models of RabbitMQ: exchanges and their bindings ({@link FakeExchanges}), queues
 * and their messages (where a message goes, dead letters included: {@link FakeRouting}), consumers and what they hold, and the handing of messages to consumers (on the thread
 * that published or settled; a handler's own publishes and settlements are handed on after it returns).
 * Thread-safe: one lock, never held while a handler runs.
 */
final class FakeVhost {
    private final Object lock = new Object();
    private final Map<String, FakeQueue> queues = new LinkedHashMap<>();
    private final FakeExchanges exchanges = new FakeExchanges();
    private final FakeRouting routing = new FakeRouting(queues, exchanges);
    private final List<FakeSubscription> subscriptions = new ArrayList<>();
    private final Map<FakeDelivery, Held> held = new IdentityHashMap<>();
    private final List<FakeDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pumping = new AtomicBoolean();

    /** A delivery a consumer holds: where its message goes back to, or dies from. */
    private record Held(FakeSubscription sub, FakeQueue queue, FakeQueue.Entry entry) {
    }

    private record Handoff(FakeSubscription sub, FakeDelivery delivery) {
    }

    boolean hasQueue(String name) {
        synchronized (lock) {
            return queues.containsKey(name);
        }
    }

    boolean hasExchange(String name) {
        synchronized (lock) {
            return exchanges.has(name);
        }
    }

    /**
     * Hands {@code message} to a consumer of {@code queue} now, as if it had been first in the queue, and
     * returns the delivery once the handler has returned (a handler that throws gets it rejected). Fails when
     * nobody consumes the queue or every consumer holds its prefetch: RabbitMQ would not deliver it then.
     */
    FakeDelivery deliver(String queue, InboundMessage message) {
        Handoff h;
        synchronized (lock) {
            List<FakeSubscription> subs = subscriptions.stream().filter(s -> !s.cancelled && s.queue.equals(queue))
                    .toList();
            if (subs.isEmpty()) {
                throw new IllegalStateException("nobody consumes " + queue);
            }
            FakeSubscription sub = subs.stream().filter(FakeSubscription::hasRoom).findFirst()
                    .orElseThrow(() -> new IllegalStateException("every consumer of " + queue
                            + " holds its prefetch unsettled: RabbitMQ would not deliver another message now"));
            FakeQueue q = queues.get(queue);
            FakeQueue.Entry entry = q == null ? new FakeQueue.Entry(routing.nextSeq(), 0, message) : q.entry(routing.nextSeq(), message);
            h = handoff(sub, q, entry);
        }
        hand(h);
        pump();
        return h.delivery();
    }

    /** Puts {@code message} in {@code queue} as if it had been routed there (a dead letter waiting for a person, say). */
    void hold(String queue, InboundMessage message) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null) {
                throw new IllegalStateException("no queue " + queue + ": declare it first");
            }
            routing.enqueue(q, message);
        }
        pump();
    }

    /** The messages waiting in {@code queue}, in the order they would be delivered. */
    List<InboundMessage> held(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? List.of() : q.ready().stream().map(FakeQueue.Entry::message).toList();
        }
    }

    /** The arguments {@code queue} was declared with (empty when it is not declared). */
    Map<String, Object> arguments(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? Map.of() : q.spec.arguments();
        }
    }

    void declareQueue(QueueSpec spec) {
        if (spec.name().startsWith("amq.")) {
            throw new BrokerException(Kind.ACCESS_REFUSED, "cannot declare queue " + spec.name()
                    + ": the prefix 'amq.' is reserved", null);
        }
        List<FakeSubscription> resumed;
        synchronized (lock) {
            FakeQueue existing = queues.get(spec.name());
            if (existing != null) {
                if (!existing.equivalent(spec)) {
                    throw new BrokerException(Kind.PRECONDITION_FAILED, "cannot declare queue " + spec.name()
                            + ": inequivalent properties, " + existing.spec + " declared, " + spec + " asked", null);
                }
                return;
            }
            FakeQueue q = new FakeQueue(spec);
            queues.put(spec.name(), q);
            resumed = subscriptions.stream().filter(s -> !s.cancelled && s.attached == null && s.queue.equals(spec.name()))
                    .toList();
            resumed.forEach(s -> attach(s, q));
        }
        pump();
    }

    void declareExchange(String name, ExchangeType type, boolean durable) {
        if (name.startsWith("amq.")) {
            throw new BrokerException(Kind.ACCESS_REFUSED, "cannot declare exchange " + name
                    + ": the prefix 'amq.' is reserved", null);
        }
        synchronized (lock) {
            exchanges.declare(name, type);
        }
    }

    void bind(String queue, String exchange, String routingKey) {
        synchronized (lock) {
            if (!queues.containsKey(queue) || !exchanges.has(exchange)) {
                throw new BrokerException(Kind.NOT_FOUND, "cannot bind " + queue + " to " + exchange + ": no "
                        + (queues.containsKey(queue) ? "exchange" : "queue"), null);
            }
            exchanges.bind(queue, exchange, routingKey);
        }
    }

    void deleteQueue(String queue, boolean ifEmpty) {
        List<FakeSubscription> orphans;
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null || (ifEmpty && q.hasReady())) {
                return;
            }
            orphans = remove(q);
        }
        resume(orphans);
    }

    void deleteExchange(String exchange) {
        synchronized (lock) {
            exchanges.delete(exchange);
        }
    }

    Optional<QueueCounts> inspect(String queue) {
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            return q == null ? Optional.empty() : Optional.of(new QueueCounts(queue, q.ready().size(), q.consumers.size()));
        }
    }

    int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        List<FakeQueue.Entry> looked;
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q == null) {
                throw new BrokerException(Kind.NOT_FOUND, "no queue '" + queue + "'", null);
            }
            looked = q.ready().subList(0, Math.min(max, q.ready().size()));
        }
        List<FakeQueue.Entry> taken = looked.stream().filter(e -> remove.test(e.message())).toList();
        synchronized (lock) {
            FakeQueue q = queues.get(queue);
            if (q != null) {
                taken.forEach(q::remove);
            }
        }
        return taken.size();
    }

    /** Why RabbitMQ would refuse {@code message} (a missing exchange, no route for a mandatory one), or {@code null}. */
    BrokerException refusal(OutboundMessage message) {
        synchronized (lock) {
            if (!message.exchange().isEmpty() && !exchanges.has(message.exchange())) {
                return new BrokerException(Kind.NOT_FOUND, "no exchange '" + message.exchange() + "'", null);
            }
            if (message.mandatory() && routing.route(message.exchange(), message.routingKey()).isEmpty()) {
                return new BrokerException(Kind.NO_ROUTE, "no queue took the message to '" + message.exchange()
                        + "' with routing key '" + message.routingKey() + "'", null);
            }
            return null;
        }
    }

    /** Routes {@code message} into every queue it reaches and hands on what consumers have room for. */
    void publish(OutboundMessage message) {
        synchronized (lock) {
            routing.route(message.exchange(), message.routingKey()).forEach(q -> routing.enqueue(q, FakeBroker.asDelivered(message)));
        }
        pump();
    }

    /** Starts {@code s} on its queue, or fails {@code NOT_FOUND} as RabbitMQ does for a missing queue. */
    void consume(FakeSubscription s) {
        synchronized (lock) {
            FakeQueue q = queues.get(s.queue);
            if (q == null) {
                throw new BrokerException(Kind.NOT_FOUND, "cannot consume queue '" + s.queue + "': no such queue", null);
            }
            subscriptions.add(s);
            attach(s, q);
        }
        pump();
    }

    /** Every delivery handed to a consumer, in order. */
    List<FakeDelivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** How many consumers of {@code queue} have not been cancelled (for assertions). */
    long activeConsumers(String queue) {
        synchronized (lock) {
            return subscriptions.stream().filter(s -> !s.cancelled && s.queue.equals(queue)).count();
        }
    }

    /** The connection closes: its consumers' unsettled deliveries are requeued and its exclusive queues deleted. */
    void closeConnection() {
        List<FakeSubscription> open;
        synchronized (lock) {
            open = subscriptions.stream().filter(s -> !s.cancelled).toList();
        }
        open.forEach(FakeSubscription::close);
        synchronized (lock) {
            queues.values().stream().filter(q -> q.spec.exclusive()).toList().forEach(this::remove);
        }
    }

    /** Every queue anything consumed (for assertions). */
    List<String> consumedQueues() {
        synchronized (lock) {
            return subscriptions.stream().map(s -> s.queue).distinct().toList();
        }
    }

    /** Cancels {@code s}; {@code closing} also gives back what it holds, as when its channel closes. */
    void cancel(FakeSubscription s, boolean closing) {
        synchronized (lock) {
            if (!s.cancelled) {
                s.cancelled = true;
                FakeQueue q = s.attached;
                s.attached = null;
                if (q != null) {
                    q.consumers.remove(s);
                    if (q.spec.autoDelete() && q.hadConsumer && q.consumers.isEmpty() && queues.get(q.name()) == q) {
                        remove(q);
                    }
                }
            }
            if (closing) {
                held.entrySet().removeIf(e -> {
                    if (e.getValue().sub() != s) {
                        return false;
                    }
                    routing.requeue(e.getValue().queue(), e.getValue().entry());
                    return true;
                });
                s.unsettled = 0;
            }
        }
        pump();
    }

    private void attach(FakeSubscription s, FakeQueue q) {
        s.attached = q;
        q.consumers.add(s);
        q.hadConsumer = true;
    }

    /** Removes {@code q}, its bindings and messages; returns its consumers, cancelled by the broker. */
    private List<FakeSubscription> remove(FakeQueue q) {
        queues.remove(q.name());
        exchanges.unbindQueue(q.name());
        List<FakeSubscription> orphans = List.copyOf(q.consumers);
        q.consumers.clear();
        orphans.forEach(s -> s.attached = null);
        return orphans;
    }

    /** What a real subscription does when the broker cancels it: runs {@code beforeResume}, then consumes again if it can. */
    private void resume(List<FakeSubscription> orphans) {
        for (FakeSubscription s : orphans) {
            try {
                s.beforeResume.run();
            } catch (RuntimeException e) {
                // a real subscription retries every second; this one resumes when the queue is declared again
            }
            synchronized (lock) {
                FakeQueue q = queues.get(s.queue);
                if (!s.cancelled && s.attached == null && q != null) {
                    attach(s, q);
                }
            }
        }
        pump();
    }

    private Handoff handoff(FakeSubscription sub, FakeQueue q, FakeQueue.Entry entry) {
        FakeDelivery d = new FakeDelivery(entry.message(), this::settled);
        held.put(d, new Held(sub, q, entry));
        sub.unsettled++;
        deliveries.add(d);
        return new Handoff(sub, d);
    }

    private void settled(FakeDelivery d) {
        synchronized (lock) {
            Held h = held.remove(d);
            if (h == null) {
                return; // its channel was closed: the message was requeued then
            }
            h.sub().unsettled--;
            if (d.state() == FakeDelivery.State.REQUEUED) {
                routing.requeue(h.queue(), h.entry());
            } else if (d.state() == FakeDelivery.State.REJECTED && h.queue() != null
                    && queues.get(h.queue().name()) == h.queue()) {
                routing.deadLetter(h.queue(), h.entry().message(), "rejected");
            }
        }
        pump();
    }

    /** Hands every message a consumer has room for, one at a time; a call while another thread does it leaves it to that one. */
    private void pump() {
        do {
            if (!pumping.compareAndSet(false, true)) {
                return;
            }
            try {
                for (Handoff h; (h = next()) != null; ) {
                    hand(h);
                }
            } finally {
                pumping.set(false);
            }
        } while (hasWork());
    }

    private Handoff next() {
        synchronized (lock) {
            for (FakeQueue q : queues.values()) {
                FakeSubscription s = q.hasReady() ? q.nextConsumer() : null;
                if (s != null) {
                    return handoff(s, q, q.poll());
                }
            }
            return null;
        }
    }

    private boolean hasWork() {
        synchronized (lock) {
            return queues.values().stream().anyMatch(FakeQueue::canHandOn);
        }
    }

    private static void hand(Handoff h) {
        try {
            h.sub().handler.handle(h.delivery());
        } catch (Throwable t) {
            h.delivery().reject(false);
        }
    }
}
