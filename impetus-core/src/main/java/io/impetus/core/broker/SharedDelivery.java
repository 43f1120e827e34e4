package io.impetus.core.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One delivery that carries several items (a batch of jobs or of results), split into one
 * {@link Delivery} per item. The broker's message is settled once every part is: acked when
 * each part was acked or rejected without requeue (dropped or dead-lettered on its own), given
 * back when any part asked to be requeued — then every item comes again, and the receiver drops
 * the repeats by job id.
 */
public final class SharedDelivery {
    private SharedDelivery() {
    }

    /** {@code count} parts of {@code whole}; each part's {@link Delivery#message()} is the whole message. */
    public static List<Delivery> split(Delivery whole, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a batch has at least one item, was " + count);
        }
        AtomicInteger open = new AtomicInteger(count);
        AtomicBoolean requeue = new AtomicBoolean();
        List<Delivery> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            parts.add(new Part(whole, open, requeue));
        }
        return parts;
    }

    private static final class Part implements Delivery {
        private final Delivery whole;
        private final AtomicInteger open;
        private final AtomicBoolean requeue;
        private final AtomicBoolean settled = new AtomicBoolean();

        Part(Delivery whole, AtomicInteger open, AtomicBoolean requeue) {
            this.whole = whole;
            this.open = open;
            this.requeue = requeue;
        }

        @Override
        public InboundMessage message() {
            return whole.message();
        }

        @Override
        public void ack() {
            settle(false);
        }

        @Override
        public void reject(boolean again) {
            settle(again);
        }

        private void settle(boolean again) {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            if (again) {
                requeue.set(true);
            }
            if (open.decrementAndGet() == 0) {
                if (requeue.get()) {
                    whole.reject(true);
                } else {
                    whole.ack();
                }
            }
        }
    }
}
