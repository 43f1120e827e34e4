package io.impetus.coordinator;

import java.time.Duration;

/**
 * Loop step, the lease's watchdog: stands the coordinator by the moment its own view of the lease ends,
 * whatever hangs (renewals out in a store that does not answer). Every {@link #EVERY} on a thread of its own,
 * apart from {@link KeepLease}'s, so a report made on that thread never delays this one.
 */
final class WatchLease {
    static final Duration EVERY = Duration.ofMillis(Lease.CHECK_MS);

    private final Lease lease;

    WatchLease(Lease lease) {
        this.lease = lease;
    }

    void runOnce() {
        lease.check();
    }
}
