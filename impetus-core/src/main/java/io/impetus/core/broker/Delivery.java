package io.impetus.core.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A message taken from a queue with manual acknowledgement. Exactly one of {@link #ack()} or
 * {@link #reject(boolean)} should be called, from any thread; calling again is ignored. A
 * delivery that is never settled is redelivered when its consumer's channel closes.
 */
public interface Delivery {
    InboundMessage message();

    /** Done with it: the broker forgets the message. */
    void ack();

    /** Gives it back ({@code requeue}) or drops it to the queue's dead-letter route. */
    void reject(boolean requeue);

    /**
     * Settles this delivery by what {@code send} publishes in its place (a dead letter): acked once
     * the broker confirmed it, rejected without requeue when the publish failed or {@code send}
     * threw, so the queue's own dead-letter route takes the message. Settled on every path; never
     * requeued, so a message no one can use does not come back.
     */
    default void ackOnceSent(Supplier<? extends CompletionStage<?>> send) {
        CompletionStage<?> sent;
        try {
            sent = send.get();
        } catch (RuntimeException e) {
            reject(false);
            return;
        }
        sent.whenComplete((ok, e) -> {
            if (e == null) {
                ack();
            } else {
                reject(false);
            }
        });
    }

    /**
     * Acks every delivery of {@code deliveries}: those taken on one channel together where the broker
     * allows (one {@code basic.ack} with {@code multiple} for a run of tags with none open below it),
     * the rest one by one.
     */
    static void ackAll(List<? extends Delivery> deliveries) {
        Map<Object, List<Delivery>> byGroup = new LinkedHashMap<>();
        for (Delivery d : deliveries) {
            if (d instanceof Grouped g) {
                byGroup.computeIfAbsent(g.ackGroup(), k -> new ArrayList<>()).add(d);
            } else {
                d.ack();
            }
        }
        byGroup.values().forEach(group -> ((Grouped) group.get(0)).ackTogether(group));
    }

    /** {@code d} seen as carrying {@code message} (one item of a batch): settling it settles {@code d}. */
    static Delivery carrying(Delivery d, InboundMessage message) {
        return new Delivery() {
            @Override
            public InboundMessage message() {
                return message;
            }

            @Override
            public void ack() {
                d.ack();
            }

            @Override
            public void reject(boolean requeue) {
                d.reject(requeue);
            }
        };
    }

    /** A delivery that can be acked together with others of its group (its channel). */
    interface Grouped extends Delivery {
        Object ackGroup();

        /** Acks these deliveries, all of this group. */
        void ackTogether(List<Delivery> group);
    }
}
