package io.impetus.testkit.fake;

import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.Subscription;

/** A consumer of the {@link FakeBroker}: a handler, its prefetch bound, and what it holds unsettled. */
final class FakeSubscription implements Subscription {
    final String queue;
    final int prefetch;
    final DeliveryHandler handler;
    final Runnable beforeResume;
    private final FakeBroker broker;
    /** Guarded by the broker. */
    boolean cancelled;
    /** The queue it consumes now, or {@code null} while its queue is gone (guarded by the broker). */
    FakeQueue attached;
    /** Deliveries it holds unsettled (guarded by the broker). */
    int unsettled;

    FakeSubscription(FakeBroker broker, String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        this.broker = broker;
        this.queue = queue;
        this.prefetch = prefetch;
        this.handler = handler;
        this.beforeResume = beforeResume;
    }

    boolean hasRoom() {
        return prefetch == 0 || unsettled < prefetch;
    }

    @Override
    public void cancel() {
        broker.cancel(this, false);
    }

    @Override
    public void close() {
        broker.cancel(this, true);
    }
}
