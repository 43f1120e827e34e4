package io.impetus.testkit.fake;

import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.Subscription;

/** A consumer of a {@link FakeBroker}: a handler, its prefetch bound, and what it holds unsettled. */
final class FakeSubscription implements Subscription {
    final String queue;
    final int prefetch;
    final DeliveryHandler handler;
    final Runnable beforeResume;
    private final FakeVhost vhost;
    /** Guarded by the vhost. */
    boolean cancelled;
    /** The queue it consumes now, or {@code null} while its queue is gone (guarded by the vhost). */
    FakeQueue attached;
    /** Deliveries it holds unsettled (guarded by the vhost). */
    int unsettled;

    FakeSubscription(FakeVhost vhost, String queue, int prefetch, DeliveryHandler handler, Runnable beforeResume) {
        this.vhost = vhost;
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
        vhost.cancel(this, false);
    }

    @Override
    public void close() {
        vhost.cancel(this, true);
    }
}
