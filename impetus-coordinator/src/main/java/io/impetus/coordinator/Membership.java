package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.error.ImpetusException;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A coordinator's membership of its store, to find coordinators that do not share it: every
 * coordinator consumes the control queue and keeps a {@link #MEMBER} lease in its store (renewed
 * with the active lease), so more consumers than members means a coordinator with a store of its
 * own (a second H2 folder, another database) on the same broker, vhost and prefix — an operator's
 * mistake that would otherwise show only at a fail-over, as streams unknown to the one taking over.
 */
final class Membership {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);
    /** The name of each running coordinator's lease starts with this. */
    static final String MEMBER = "member:";
    /**
     * How long a starting coordinator waits for a consumer of the control queue that no coordinator of
     * its store accounts for to go (a coordinator whose machine died is noticed by the broker only after
     * two missed heartbeats, 40 s) before it refuses to start.
     */
    static final Duration FOREIGN_WAIT = Duration.ofSeconds(45);

    private final CoordinatorStore store;
    private final Broker broker;
    private final String controlQueue;
    private final String holder;
    private final String lease = MEMBER + UUID.randomUUID();

    Membership(CoordinatorStore store, Broker broker, String controlQueue, String holder) {
        this.store = store;
        this.broker = broker;
        this.controlQueue = controlQueue;
        this.holder = holder;
    }

    /** Takes or renews this coordinator's member lease. */
    void keep() {
        store.lease(lease, holder, Lease.TTL);
    }

    /** Gives it up (a clean stop). */
    void leave() {
        store.releaseLease(lease, holder);
    }

    /**
     * Consumers of the control queue that no coordinator of this store accounts for.
     *
     * @param consuming whether this coordinator's own consumer is among them yet
     */
    int foreign(boolean consuming) {
        int consumers = broker.inspect(controlQueue).map(QueueCounts::consumers).orElse(0);
        int members = store.heldLeases(MEMBER);
        return consumers - (consuming ? members : members - 1);
    }

    /** For a running coordinator: logs an ERROR if it finds coordinators that do not share its store; returns how many. */
    int check() {
        int foreign = foreign(true);
        if (foreign > 0) {
            log.error("{} consumer(s) of {} belong to coordinators that do not share this coordinator's store ({}):"
                    + " each keeps its own streams and delayed jobs, so whichever serves misses the others'."
                    + " Give every coordinator of this installation the same --store (PostgreSQL)", foreign,
                    controlQueue, store.describe());
        }
        return Math.max(foreign, 0);
    }

    /**
     * For a starting coordinator: joins, and refuses to start beside a coordinator that does not share
     * this store; a consumer left by a coordinator that died is waited out (up to {@link #FOREIGN_WAIT}).
     */
    void join() {
        keep();
        long deadline = System.nanoTime() + FOREIGN_WAIT.toNanos();
        boolean told = false;
        for (int foreign = foreign(false); foreign > 0; foreign = foreign(false)) {
            if (System.nanoTime() > deadline) {
                throw new ImpetusException("another coordinator is running on this broker (" + foreign + " more consumer(s) of "
                        + controlQueue + ") and does not share this coordinator's store (" + store.describe()
                        + "): coordinators of one installation need one store. Stop the other, or start this one with"
                        + " the same --store (a PostgreSQL URL) as the other");
            }
            if (!told) {
                log.warn("{} consumer(s) of {} belong to no coordinator of this store ({}); waiting up to {} s in case they"
                        + " are a dead coordinator's the broker has not noticed yet", foreign, controlQueue,
                        store.describe(), FOREIGN_WAIT.toSeconds());
                told = true;
            }
            try {
                Thread.sleep(1000);
                keep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImpetusException("interrupted while starting", e);
            }
        }
        if (told) {
            log.info("the other consumer(s) of {} are gone; starting", controlQueue);
        }
    }
}
