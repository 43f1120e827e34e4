package io.impetus.coordinator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Loop step: asks for a renewal of the lease (a standby: for the lease), every {@link #EVERY} at a fixed
 * rate on a thread of its own. A pass returns at once: the renewal runs on the lease's renewal threads, so
 * renewals overlap when the store is slow to answer, and no upkeep ever delays one.
 */
final class KeepLease {
    static final Duration EVERY = Duration.ofMillis(Lease.RENEW_MS);

    private final Lease lease;

    KeepLease(Lease lease) {
        this.lease = lease;
    }

    /** Asks for one renewal; returns it (done already when none was asked). */
    CompletableFuture<Void> runOnce() {
        return lease.keep();
    }
}
