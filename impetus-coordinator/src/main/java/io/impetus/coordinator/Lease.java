package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this coordinator is the active one: it holds the store's lease, taken and renewed by
 * {@link #keep()} (every {@link #RENEW_MS}), good for {@link #TTL} after each renewal. A coordinator
 * that dies keeps it until it runs out; one that stops {@link #release() releases} it, so a standby
 * takes over at once. Thread-safe.
 */
final class Lease {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    /** The store lease whose holder is the active coordinator. */
    static final String NAME = "coordinator";
    /** How long a lease lasts unless renewed; a standby takes over at most this long after the active one died. */
    static final Duration TTL = Duration.ofSeconds(3);
    static final long RENEW_MS = 1000;

    private final CoordinatorStore store;
    private final Clock clock;
    private final String holder;
    private final Runnable becameActive;
    private volatile Instant until = Instant.MIN;
    private volatile boolean held;

    /** @param becameActive runs each time this coordinator becomes the active one */
    Lease(CoordinatorStore store, Clock clock, String holder, Runnable becameActive) {
        this.store = store;
        this.clock = clock;
        this.holder = holder;
        this.becameActive = becameActive;
    }

    /** A holder name that says where the coordinator runs: host/pid/random. */
    static String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    String holder() {
        return holder;
    }

    /** True while the lease is held and has not run out (a store that cannot be reached does not extend it). */
    boolean active() {
        return held && clock.instant().isBefore(until);
    }

    /** Takes or renews the lease; logs each change between active and standby. */
    void keep() {
        Instant asked = clock.instant();
        boolean now;
        try {
            now = store.lease(NAME, holder, asked, TTL);
        } catch (RuntimeException e) {
            if (held && !asked.isBefore(until)) {
                held = false;
                log.warn("coordinator {} cannot renew its lease ({}); standing by", holder, e.getMessage());
            }
            throw e;
        }
        if (now) {
            until = asked.plus(TTL);
        }
        if (now != held) {
            held = now;
            if (now) {
                log.info("coordinator {} is now the active coordinator (lease until {})", holder, until);
                becameActive.run();
            } else {
                log.warn("coordinator {} lost the lease to another coordinator; standing by", holder);
            }
        }
    }

    /** Gives the lease up if held, so a standby takes over at once. */
    void release() {
        if (held) {
            held = false;
            store.releaseLease(NAME, holder);
        }
    }
}
