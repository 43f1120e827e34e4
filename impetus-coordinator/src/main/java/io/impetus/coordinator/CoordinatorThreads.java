package io.impetus.coordinator;

import io.impetus.core.loop.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's threads besides its {@link Loop}'s: the request pool, the broker calls' thread and the
 * lease's renewals, each kept apart so that what may hang there holds nothing else.
 */
final class CoordinatorThreads {
    /** How long a stop waits for the requests under way. */
    private static final long REQUESTS_DRAIN_SECONDS = 10;

    /** RPCs, delayed jobs and dead letters being handled; a slow one holds one of these, never a consumer. */
    private final ExecutorService requests;
    /** Cancels, closes and requeues: a cut broker connection may hold one until its heartbeats time out, so
     * never on the lease's threads, nor behind the loop's store calls (a cut store holds those). */
    private final ScheduledExecutorService brokerCalls;
    /** The lease's renewals, which overlap on a slow link (see Lease). */
    private final ExecutorService renewals;

    CoordinatorThreads(int requestThreads) {
        requests = Executors.newFixedThreadPool(requestThreads, Loop.daemons("coordinator-rpc"));
        brokerCalls = Executors.newSingleThreadScheduledExecutor(Loop.daemons("coordinator-broker-calls"));
        renewals = Executors.newFixedThreadPool(Lease.MOST_OUT, Loop.daemons("coordinator-lease-renewal"));
    }

    ExecutorService requests() {
        return requests;
    }

    ExecutorService renewals() {
        return renewals;
    }

    /** Runs {@code task} on the broker calls' thread {@code ms} from now. */
    void later(Runnable task, long ms) {
        brokerCalls.schedule(task, ms, TimeUnit.MILLISECONDS);
    }

    /** A timer on the broker calls' thread whose tasks run through {@link Loop#safely} as {@code what}. */
    Timer laterSafely(String what) {
        return (task, ms) -> later(() -> Loop.safely(what, task), ms);
    }

    /** Runs tasks on the broker calls' thread, through {@link Loop#safely} as {@code what}. */
    Executor brokerCallsSafely(String what) {
        return task -> brokerCalls.execute(() -> Loop.safely(what, task));
    }

    /** Stops the renewals: those out finish (a release waits for them a little); none is asked any more. */
    void stopRenewals() {
        renewals.shutdown();
    }

    /** Takes no more requests and waits a while for those under way. */
    void finishRequests() {
        requests.shutdown();
        try {
            requests.awaitTermination(REQUESTS_DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopBrokerCalls() {
        brokerCalls.shutdown();
    }
}
