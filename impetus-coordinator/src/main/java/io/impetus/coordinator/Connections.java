package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.error.ImpetusException;

/**
 * A coordinator's store, its broker connection and its membership of the store's coordinators: opened in that
 * order, each closed again when a later one fails (so a refused start leaves nothing open), and closed in the
 * reverse order.
 */
final class Connections {
    final CoordinatorStore store;
    final Broker broker;
    final Membership membership;

    private Connections(CoordinatorStore store, Broker broker, Membership membership) {
        this.store = store;
        this.broker = broker;
        this.membership = membership;
    }

    /** Opens the store, connects to the broker and joins the store's coordinators (see {@link Membership#join}). */
    static Connections open(Coordinator.Options options, String holder) {
        CoordinatorStore store = CoordinatorStore.open(options.store(), options.dataDir(),
                CoordinatorStore.scope(options.settings().vhost(), options.settings().topology().prefix()));
        Broker broker;
        try {
            broker = Brokers.connect(options.settings(), "impetus coordinator", Coordinator.BROKER_HEARTBEAT);
        } catch (ImpetusException e) {
            store.close();
            throw e;
        }
        Membership membership = new Membership(store, broker, options.settings().topology().controlQueue(), holder);
        try {
            membership.join();
        } catch (RuntimeException e) {
            membership.leave();
            broker.close();
            store.close();
            throw e;
        }
        return new Connections(store, broker, membership);
    }

    /** Closes the broker connection, then the store. */
    void close() {
        broker.close();
        store.close();
    }
}
