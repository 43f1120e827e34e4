package io.impetus.coordinator;

import java.time.Duration;

/**
 * Loop step: renews this coordinator's member lease in the store ({@link Membership}), which
 * {@link CountCoordinators} counts. Every {@link #EVERY}, standby or active.
 */
final class KeepMembership {
    static final Duration EVERY = Duration.ofMillis(Lease.RENEW_MS);

    private final Membership membership;

    KeepMembership(Membership membership) {
        this.membership = membership;
    }

    void runOnce() {
        membership.keep();
    }
}
