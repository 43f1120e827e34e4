package io.impetus.coordinator;

import java.time.Duration;

/**
 * Loop step: counts the consumers of the control queue that no coordinator of this store accounts for (a
 * coordinator given a store of its own by mistake) and logs an ERROR when there are any. Every
 * {@link #EVERY}, standby or active.
 */
final class CountCoordinators {
    static final Duration EVERY = Duration.ofSeconds(30);

    private final Membership membership;

    CountCoordinators(Membership membership) {
        this.membership = membership;
    }

    /** Returns how many consumers it found that belong to no coordinator of this store. */
    int runOnce() {
        return membership.check();
    }
}
