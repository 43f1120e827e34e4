package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this coordinator is the active one: it holds the store's lease, taken and renewed by
 * {@link #keep()} (every {@link #RENEW_MS}, on a thread of its own), good for {@link #TTL} after each
 * renewal. It renews only while its broker answers (a round trip within {@link #BROKER_ANSWER}, each
 * renewal; an open socket is not enough, as a cut connection stays open until its heartbeats time out):
 * a coordinator that cannot reach RabbitMQ lets the lease run out, so a standby that can takes over.
 * Renewals run on an executor of their own and {@link #keep()} waits for one at most
 * {@link #RENEWAL_WAIT}: one still out when the next is due counts as failed, and {@link #check()} (a
 * watchdog, run often) stands the coordinator by the moment its own view of the lease ends, even while a
 * renewal hangs in a store or broker that does not answer. Each change between active and
 * standby is logged with its reason and reported ({@code becameActive}, {@code becameStandby}: the
 * coordinator takes requests only while active). A coordinator that dies keeps the lease until it
 * runs out; one that stops {@link #release() releases} it, so a standby takes over at once.
 *
 * <p>The store keeps the lease on the database's clock, so coordinators' clocks need not agree. This
 * one decides alone whether it is active, on its own monotonic clock: from the moment it asked for the
 * lease, for the {@link #TTL} less a {@link #MARGIN}, so a pause makes it stop acting before the lease
 * runs out in the database, never act longer. Each grant carries the lease's {@link #epoch() epoch}, the
 * fencing token of the writes only the active coordinator may do; a write refused for a stale epoch
 * ({@link #fenced}) makes it stand by at once. Thread-safe.
 */
final class Lease {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    /** The store lease whose holder is the active coordinator. */
    static final String NAME = "coordinator";
    /** How long a lease lasts unless renewed; a standby takes over at most this long after the active one died. */
    static final Duration TTL = Duration.ofSeconds(3);
    /**
     * How often the lease is renewed (and a standby asks for it): half a second, so that after one slow renewal
     * (up to ~2 s on a lossy link) the next one still lands within the {@link #TTL} less the {@link #MARGIN}.
     */
    static final long RENEW_MS = 500;
    /** A renewal that takes longer than this is logged: the link to the store or broker is slow. */
    static final Duration SLOW_RENEWAL = Duration.ofMillis(500);
    /** Taken off the lease's time when deciding alone whether it is still held: a pause or a slow answer eats into this first. */
    static final Duration MARGIN = Duration.ofMillis(500);
    /** How long the broker has to answer the round trip each renewal begins with. */
    static final Duration BROKER_ANSWER = Duration.ofSeconds(1);
    /** How long {@link #keep()} waits for a renewal; one that takes longer goes on, and counts as failed until it returns. */
    static final Duration RENEWAL_WAIT = Duration.ofMillis(1500);
    /** How often the watchdog ({@link #check()}) looks whether this coordinator's view of the lease has ended. */
    static final long CHECK_MS = 100;

    private final CoordinatorStore store;
    private final LongSupplier nanos;
    private final String holder;
    private final BooleanSupplier brokerAnswers;
    private final Runnable becameActive;
    private final Runnable becameStandby;
    private final Executor renewals;
    private final Duration renewalWait;
    private volatile long untilNanos;
    private volatile boolean held;
    private volatile long epoch;
    private boolean reported;
    private boolean stopping;
    private String why = "another coordinator holds the lease";
    private CompletableFuture<Void> renewing = CompletableFuture.completedFuture(null);
    private long renewingSince;

    /** A lease whose holder always has its broker and reports only becoming active (tests). */
    Lease(CoordinatorStore store, Clock clock, String holder, Runnable becameActive) {
        this(store, clock, holder, () -> true, becameActive, () -> { });
    }

    /** A lease renewed on the calling thread (tests). */
    Lease(CoordinatorStore store, Clock clock, String holder, BooleanSupplier brokerAnswers, Runnable becameActive,
          Runnable becameStandby) {
        this(store, clock, holder, brokerAnswers, becameActive, becameStandby, Runnable::run, RENEWAL_WAIT);
    }

    /**
     * @param brokerAnswers whether the coordinator's broker answers a round trip now (within
     *     {@link #BROKER_ANSWER}): the lease is renewed only then
     * @param becameActive runs each time this coordinator becomes the active one
     * @param becameStandby runs each time it stops being the active one
     * @param renewals runs each renewal (the broker's round trip and the store's call), so that one which
     *     hangs never holds the thread that calls {@link #keep()} or {@link #check()}
     * @param renewalWait how long {@link #keep()} waits for a renewal ({@link #RENEWAL_WAIT})
     */
    Lease(CoordinatorStore store, Clock clock, String holder, BooleanSupplier brokerAnswers, Runnable becameActive,
          Runnable becameStandby, Executor renewals, Duration renewalWait) {
        this.store = store;
        this.nanos = monotonic(clock);
        this.holder = holder;
        this.brokerAnswers = brokerAnswers;
        this.becameActive = becameActive;
        this.becameStandby = becameStandby;
        this.renewals = renewals;
        this.renewalWait = renewalWait;
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

    /**
     * Monotonic time in nanoseconds: the JVM's for the system clock, else the given clock's (a test's
     * settable clock stands for both).
     */
    static LongSupplier monotonic(Clock clock) {
        if (clock.equals(Clock.systemUTC()) || clock.equals(Clock.systemDefaultZone())) {
            return System::nanoTime;
        }
        return () -> clock.millis() * 1_000_000L;
    }

    String holder() {
        return holder;
    }

    /** True while the lease is held and has not run out (a store that cannot be reached does not extend it). */
    boolean active() {
        return held && nanos.getAsLong() - untilNanos < 0;
    }

    /** The epoch of the lease while this coordinator holds it (it may have run out unnoticed), else 0 (never current). */
    long epoch() {
        return held ? epoch : 0;
    }

    /**
     * A write with {@code stale} was refused: another coordinator holds the lease now. Stands by at once
     * (unless a renewal since then already took note).
     */
    synchronized void fenced(long stale) {
        if (held && epoch == stale) {
            log.warn("fenced: lease epoch {} is no longer current; standing by", stale);
            held = false;
            why = "fenced: lease epoch " + stale + " is no longer current";
            report();
        }
    }

    /**
     * Takes or renews the lease (only while the broker answers), waiting for the renewal at most
     * {@link #RENEWAL_WAIT}; while an earlier renewal has not returned, starts none and counts as failed.
     * Reports each change between active and standby. Throws what the store or a report threw.
     */
    void keep() {
        CompletableFuture<Void> renewal;
        synchronized (this) {
            report();
            if (!renewing.isDone()) {
                why = outstanding();
                log.warn("coordinator {}: {}; not asking again until it does", holder, why);
                return;
            }
            long asked = nanos.getAsLong();
            renewingSince = asked;
            renewal = CompletableFuture.runAsync(() -> renew(asked), renewals);
            renewing = renewal;
        }
        try {
            renewal.get(renewalWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check(); // it goes on; the watchdog stands this coordinator by when its view of the lease ends
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The watchdog: stands by the moment this coordinator's own view of the lease ends, whatever hangs. */
    synchronized void check() {
        if (!renewing.isDone()) {
            why = outstanding();
        }
        report();
    }

    private String outstanding() {
        return "its lease renewal asked " + (nanos.getAsLong() - renewingSince) / 1_000_000
                + " ms ago has not returned (its store or broker does not answer)";
    }

    /** One renewal: the broker's round trip, then the store's call; off the lock, so a hang in either holds nothing. */
    private void renew(long asked) {
        if (!brokerAnswers.getAsBoolean()) {
            synchronized (this) {
                why = "its broker does not answer (no round trip within " + BROKER_ANSWER.toMillis()
                        + " ms), so it does not renew its lease";
                report();
            }
            return;
        }
        OptionalLong granted;
        try {
            granted = store.lease(NAME, holder, TTL);
        } catch (RuntimeException e) {
            synchronized (this) {
                why = "it cannot renew its lease (" + e.getMessage() + ")";
                report();
            }
            throw e;
        }
        long took = (nanos.getAsLong() - asked) / 1_000_000;
        if (took > SLOW_RENEWAL.toMillis()) {
            log.warn("coordinator {}: slow lease renewal: {} ms (its view of the lease lasts {} ms from asking)", holder,
                    took, TTL.minus(MARGIN).toMillis());
        }
        synchronized (this) {
            if (granted.isPresent()) {
                if (held && epoch != granted.getAsLong()) {
                    log.warn("coordinator {}: lease epoch {} became {} between two renewals (another coordinator held"
                            + " it meanwhile)", holder, epoch, granted.getAsLong());
                }
                untilNanos = asked + TTL.minus(MARGIN).toNanos();
                epoch = granted.getAsLong();
                held = true;
            } else {
                held = false;
                why = "another coordinator holds the lease";
            }
            report();
        }
    }

    /** Reports a change of {@link #active()} since the last report (the lease may also just have run out). */
    private void report() {
        boolean now = active();
        if (now == reported) {
            return;
        }
        reported = now;
        if (now) {
            log.info("coordinator {} is now the active coordinator (lease epoch {})", holder, epoch);
            try {
                becameActive.run();
            } catch (RuntimeException e) {
                reported = false; // not active until what being active takes has been done: the next keep() tries again
                throw e;
            }
        } else {
            if (stopping) {
                log.info("coordinator {} is standing by: {}", holder, why);
            } else {
                log.warn("coordinator {} is standing by: {}", holder, why);
            }
            becameStandby.run();
        }
    }

    /** Gives the lease up if held, so a standby takes over at once. */
    synchronized void release() {
        if (held) {
            held = false;
            stopping = true;
            why = "it stopped and handed the lease over";
            store.releaseLease(NAME, holder);
            report();
        }
    }
}
