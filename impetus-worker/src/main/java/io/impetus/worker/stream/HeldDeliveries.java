package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the deliveries a stream holds, from the moment they are taken until they are settled
 * (acked or rejected) — including those whose job is done but whose result waits for the broker's
 * confirm, which a memory or disk alarm can hold for as long as it lasts. A stream holding any is
 * not idle: dropping its subscription would give those jobs back to the queue to run again.
 */
final class HeldDeliveries {
    private final AtomicInteger held = new AtomicInteger();

    int count() {
        return held.get();
    }

    /** {@code d}, counted until it is settled (keeping its ack group, so it is still acked with others). */
    Delivery track(Delivery d) {
        held.incrementAndGet();
        return d instanceof Delivery.Grouped g ? new TrackedGrouped(g) : new Tracked(d);
    }

    private class Tracked implements Delivery {
        final Delivery inner;
        private final AtomicBoolean settled = new AtomicBoolean();

        Tracked(Delivery inner) {
            this.inner = inner;
        }

        void settled() {
            if (settled.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        }

        @Override
        public InboundMessage message() {
            return inner.message();
        }

        @Override
        public void ack() {
            try {
                inner.ack();
            } finally {
                settled();
            }
        }

        @Override
        public void reject(boolean requeue) {
            try {
                inner.reject(requeue);
            } finally {
                settled();
            }
        }
    }

    private final class TrackedGrouped extends Tracked implements Delivery.Grouped {
        TrackedGrouped(Delivery.Grouped inner) {
            super(inner);
        }

        @Override
        public Object ackGroup() {
            return ((Delivery.Grouped) inner).ackGroup();
        }

        @Override
        public void ackTogether(List<Delivery> group) {
            try {
                ((Delivery.Grouped) inner).ackTogether(group.stream().map(d -> d instanceof Tracked t ? t.inner : d).toList());
            } finally {
                group.forEach(d -> {
                    if (d instanceof Tracked t) {
                        t.settled();
                    }
                });
            }
        }
    }
}
