package io.impetus.testkit.fake;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One queue of a {@link FakeBroker}: its messages in delivery order (highest priority first where
 * {@code x-max-priority} is set, then oldest first; a requeued message goes back to its place) and its
 * consumers. Not thread-safe: its {@link FakeVhost} guards it.
 */
final class FakeQueue {
    /** A message in the queue; {@code seq} is its place in publish order. */
    record Entry(long seq, int priority, InboundMessage message) {
    }

    final QueueSpec spec;
    final List<FakeSubscription> consumers = new ArrayList<>();
    /** Whether any consumer ever came: an auto-delete queue goes when its last one leaves, not before the first. */
    boolean hadConsumer;
    private final List<Entry> ready = new ArrayList<>();

    FakeQueue(QueueSpec spec) {
        this.spec = spec;
    }

    String name() {
        return spec.name();
    }

    /** Whether {@code other} declares this queue as it is (RabbitMQ refuses any other with 406). */
    boolean equivalent(QueueSpec other) {
        return spec.durable() == other.durable() && spec.exclusive() == other.exclusive()
                && spec.autoDelete() == other.autoDelete()
                && normalized(spec.arguments()).equals(normalized(other.arguments()));
    }

    private static Map<String, Object> normalized(Map<String, Object> arguments) {
        Map<String, Object> n = new HashMap<>();
        arguments.forEach((k, v) -> n.put(k, v instanceof Number number ? number.longValue() : String.valueOf(v)));
        return n;
    }

    Entry entry(long seq, InboundMessage message) {
        int max = intArgument("x-max-priority", 0);
        int priority = max == 0 || message.priority() == null ? 0 : Math.max(0, Math.min(max, message.priority()));
        return new Entry(seq, priority, message);
    }

    /** Puts {@code e} in its place; returns what {@code x-max-length} pushes off the head (drop-head). */
    List<Entry> put(Entry e) {
        int at = 0;
        while (at < ready.size() && (ready.get(at).priority() > e.priority()
                || (ready.get(at).priority() == e.priority() && ready.get(at).seq() < e.seq()))) {
            at++;
        }
        ready.add(at, e);
        int maxLength = intArgument("x-max-length", Integer.MAX_VALUE);
        List<Entry> dropped = new ArrayList<>();
        while (ready.size() > maxLength) {
            dropped.add(ready.remove(0));
        }
        return dropped;
    }

    Entry poll() {
        return ready.isEmpty() ? null : ready.remove(0);
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    List<Entry> ready() {
        return List.copyOf(ready);
    }

    void remove(Entry e) {
        ready.remove(e);
    }

    /**
     * The consumer the next message goes to, or {@code null} when none has room: a single-active-consumer
     * queue's first consumer, else the consumers in turn (round robin: the one chosen goes to the back).
     */
    FakeSubscription nextConsumer() {
        if (singleActiveConsumer()) {
            FakeSubscription active = consumers.isEmpty() ? null : consumers.get(0);
            return active != null && active.hasRoom() ? active : null;
        }
        for (FakeSubscription s : consumers) {
            if (s.hasRoom()) {
                consumers.remove(s);
                consumers.add(s);
                return s;
            }
        }
        return null;
    }

    /** Whether a message is ready and a consumer that may take it has room. */
    boolean canHandOn() {
        return hasReady() && consumers.stream().limit(singleActiveConsumer() ? 1 : Long.MAX_VALUE)
                .anyMatch(FakeSubscription::hasRoom);
    }

    boolean singleActiveConsumer() {
        return Boolean.TRUE.equals(spec.arguments().get("x-single-active-consumer"));
    }

    String stringArgument(String name) {
        Object v = spec.arguments().get(name);
        return v == null ? null : v.toString();
    }

    private int intArgument(String name, int otherwise) {
        Object v = spec.arguments().get(name);
        return v instanceof Number n ? n.intValue() : otherwise;
    }
}
