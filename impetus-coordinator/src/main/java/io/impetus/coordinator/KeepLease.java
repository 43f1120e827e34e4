package io.impetus.coordinator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop step: asks for a renewal of the lease (a standby: for the lease), every {@link #EVERY} at a fixed
 * rate on a thread of its own. A pass returns at once: the renewal runs on the lease's renewal threads, so
 * renewals overlap when the store is slow to answer, and no upkeep ever delays one.
 */
final class KeepLease {
    private static final Logger log = LoggerFactory.getLogger(KeepLease.class);
    static final Duration EVERY = Duration.ofMillis(Lease.RENEW_MS);
    /** How long the first pass waits for its lease call, so that the start's log line says whether it is active. */
    private static final long FIRST_WAIT_MS = 1500;

    private final Lease lease;

    KeepLease(Lease lease) {
        this.lease = lease;
    }

    /** Asks for one renewal; returns it (done already when none was asked). */
    CompletableFuture<Void> runOnce() {
        return lease.keep();
    }

    /** The first pass, waited for a little so that the start's log line says whether this coordinator is active. */
    void first() {
        try {
            runOnce().get(FIRST_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("first lease call: {}", e.toString()); // logged by the lease; the loop asks again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
