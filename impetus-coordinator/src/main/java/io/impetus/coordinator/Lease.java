package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.loop.LocalHost;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this coordinator is the active one: it holds the store's lease, taken and renewed by
 * {@link #keep()} (every {@link #RENEW_MS}), good for {@link #TTL} after each renewal. It renews only
 * while its broker answers (the {@code brokerAnswers} it is given; an open socket is not enough, as a cut
 * connection stays open until its heartbeats time out): a coordinator that cannot reach RabbitMQ lets the
 * lease run out, so a standby that can takes over.
 *
 * <p>Renewals overlap: {@link #keep()} asks for one on an executor of its own and returns at once, whether
 * or not earlier ones have returned (at most {@link #MOST_OUT} at a time), so one renewal held up by TCP
 * retransmissions on a lossy link does not hold up the next. Each grant counts from its own asking, and a
 * grant is applied only if no renewal asked later was applied before it. {@link #check()} (a watchdog, run
 * often) stands the coordinator by the moment its own view of the lease ends, even while renewals hang in a
 * store or broker that does not answer. Each change between active and standby is logged with its reason
 * and reported ({@code becameActive}, {@code becameStandby}: the coordinator takes requests only while
 * active) by {@link LeaseReports}: in order, one at a time, never under the lease's lock. A
 * coordinator that dies keeps the lease until it runs out; one that stops {@link #release() releases} it, so
 * a standby takes over at once.
 *
 * <p>The store keeps the lease on the database's clock, so coordinators' clocks need not agree. This one
 * decides alone whether it is active, on its own monotonic clock: from the moment it asked for the lease, for
 * the {@link #TTL} less a {@link #MARGIN}, so a pause or a slow answer makes it stop acting before the lease
 * runs out in the database, never act longer (the database stamps the expiry after the asking, and never
 * moves a holder's expiry back). Each grant carries the lease's {@link #epoch() epoch}, the fencing token of
 * the writes only the active coordinator may do; a write refused for a stale epoch ({@link #fenced}) makes it
 * stand by at once. Thread-safe.
 */
final class Lease {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);
    /** The store lease whose holder is the active coordinator. */
    static final String NAME = "coordinator";
    /** How long a lease lasts unless renewed; a standby takes over at most this long after the active one died. */
    static final Duration TTL = Duration.ofSeconds(3);
    /** How often a renewal is asked for (and a standby asks for the lease), whether or not earlier ones have returned. */
    static final long RENEW_MS = 500;
    /** A renewal that takes longer than this is logged: the link to the store is slow. */
    static final Duration SLOW_RENEWAL = Duration.ofMillis(500);
    /** Taken off the lease's time when deciding alone whether it is still held: a pause or a slow answer eats into this first. */
    static final Duration MARGIN = Duration.ofMillis(500);
    /** How long the broker has to answer a round trip ({@link PingBroker}). */
    static final Duration BROKER_ANSWER = Duration.ofSeconds(1);
    /**
     * The most renewals out at once: six periods, more than a renewal can still be of use for (a grant asked
     * longer than TTL − MARGIN ago extends nothing); it bounds the threads and connections a store that does
     * not answer can hold.
     */
    static final int MOST_OUT = 6;
    /** How long {@link #release()} waits for renewals still out, so that none lands after the release. */
    static final Duration RELEASE_WAIT = Duration.ofSeconds(1);
    /** How often the watchdog ({@link #check()}) looks whether this coordinator's view of the lease has ended. */
    static final long CHECK_MS = 100;

    private final CoordinatorStore store;
    private final LongSupplier nanos;
    private final String holder;
    private final BooleanSupplier brokerAnswers;
    private final Executor renewals;
    private final long view = TTL.minus(MARGIN).toNanos();
    private volatile long untilNanos;
    private volatile boolean held;
    private volatile long epoch;
    /** Renewals out: their number (in the order asked) and when each was asked. Guarded by this. */
    private final TreeMap<Long, Long> out = new TreeMap<>();
    private long asked;
    private long applied;
    /** Grants of renewals numbered up to this are not applied (asked before a fence or a release). */
    private long ignoreThrough;
    private boolean stopping;
    private String why = "another coordinator holds the lease";
    private long whyAt;
    /** Whether {@link #why} says that renewals are out (then it is brought up to date on each check). */
    private boolean whyOutstanding;
    private final LeaseReports reports;

    /** A lease whose holder always has its broker and reports only becoming active (tests). */
    Lease(CoordinatorStore store, Clock clock, String holder, Runnable becameActive) {
        this(store, clock, holder, () -> true, becameActive, () -> { });
    }

    /** A lease renewed on the calling thread (tests). */
    Lease(CoordinatorStore store, Clock clock, String holder, BooleanSupplier brokerAnswers, Runnable becameActive,
          Runnable becameStandby) {
        this(store, clock, holder, brokerAnswers, becameActive, becameStandby, Runnable::run);
    }

    /**
     * @param brokerAnswers whether the coordinator's broker answers round trips now (asked by each renewal,
     *     on the renewals' executor): the lease is renewed only then
     * @param becameActive runs each time this coordinator becomes the active one
     * @param becameStandby runs each time it stops being the active one
     * @param renewals runs each renewal (the broker's check and the store's call), so that one which hangs
     *     never holds the thread that calls {@link #keep()} or {@link #check()}; needs {@link #MOST_OUT} threads
     */
    Lease(CoordinatorStore store, Clock clock, String holder, BooleanSupplier brokerAnswers, Runnable becameActive,
          Runnable becameStandby, Executor renewals) {
        this.store = store;
        this.nanos = monotonic(clock);
        this.holder = holder;
        this.brokerAnswers = brokerAnswers;
        this.renewals = renewals;
        this.reports = new LeaseReports(holder, this::state, becameActive, becameStandby);
        this.whyAt = nanos.getAsLong();
    }

    /** A holder name that says where the coordinator runs: host/pid/random. */
    static String holderName() {
        return LocalHost.name() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
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

    private synchronized LeaseReports.State state() {
        return new LeaseReports.State(active(), why, epoch, stopping);
    }

    /** The epoch of the lease while this coordinator holds it (it may have run out unnoticed), else 0 (never current). */
    long epoch() {
        return held ? epoch : 0;
    }

    /**
     * A write with {@code stale} was refused: another coordinator holds the lease now. Stands by at once
     * (unless a renewal since then already took note); grants of renewals asked before now are not applied.
     */
    void fenced(long stale) {
        synchronized (this) {
            if (!held || epoch != stale) {
                return;
            }
            log.warn("fenced: lease epoch {} is no longer current; standing by", stale);
            held = false;
            ignoreThrough = asked;
            because("fenced: lease epoch " + stale + " is no longer current");
        }
        report();
    }

    /**
     * Asks for a renewal (or the lease) on the renewals' executor and returns at once, unless
     * {@link #MOST_OUT} are out already or the lease was released. Reports each change between active and
     * standby. Returns the renewal; when it has already ended (an executor that runs it on the caller's
     * thread), throws what the store or a report threw.
     */
    CompletableFuture<Void> keep() {
        report();
        long number;
        long at;
        synchronized (this) {
            if (stopping) {
                return CompletableFuture.completedFuture(null);
            }
            if (out.size() >= MOST_OUT) {
                because(outstanding());
                whyOutstanding = true;
                log.warn("coordinator {}: {}; not asking again until one does", holder, why);
                return CompletableFuture.completedFuture(null);
            }
            number = ++asked;
            at = nanos.getAsLong();
            out.put(number, at);
        }
        CompletableFuture<Void> renewal = CompletableFuture.runAsync(() -> renew(number, at), renewals);
        if (!renewal.isDone()) {
            renewal.whenComplete((ok, e) -> {
                if (e != null) {
                    log.warn("coordinator {}: lease renewal failed: {}", holder, cause(e).getMessage());
                }
            });
            return renewal;
        }
        try {
            renewal.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        return renewal;
    }

    /** The watchdog: stands by the moment this coordinator's own view of the lease ends, whatever hangs. */
    void check() {
        synchronized (this) {
            if (!out.isEmpty() && (whyOutstanding || out.firstEntry().getValue() - whyAt > 0)) {
                because(outstanding()); // nothing returned since the oldest renewal out was asked
                whyOutstanding = true;
            }
        }
        report();
    }

    private String outstanding() {
        return "its " + out.size() + " lease renewal(s) out, the oldest asked "
                + (nanos.getAsLong() - out.firstEntry().getValue()) / 1_000_000
                + " ms ago, have not returned (its store does not answer)";
    }

    private void because(String reason) {
        why = reason;
        whyAt = nanos.getAsLong();
        whyOutstanding = false;
    }

    /** One renewal: the broker's check, then the store's call; off the lock, so a hang in either holds nothing. */
    private void renew(long number, long at) {
        try {
            ask(number, at);
        } finally {
            synchronized (this) {
                out.remove(number);
                notifyAll();
            }
        }
        report();
    }

    private void ask(long number, long at) {
        if (!brokerAnswers.getAsBoolean()) {
            synchronized (this) {
                because("its broker does not answer (no round trip within " + BROKER_ANSWER.toMillis()
                        + " ms lately), so it does not renew its lease");
            }
            return;
        }
        OptionalLong granted;
        try {
            granted = store.lease(NAME, holder, TTL);
        } catch (RuntimeException e) {
            synchronized (this) {
                because("it cannot renew its lease (" + e.getMessage() + ")");
            }
            throw e;
        }
        long took = (nanos.getAsLong() - at) / 1_000_000;
        if (took > SLOW_RENEWAL.toMillis()) {
            log.warn("coordinator {}: slow lease renewal: {} ms (its view of each grant lasts {} ms from asking)",
                    holder, took, TTL.minus(MARGIN).toMillis());
        }
        synchronized (this) {
            apply(number, at, granted);
        }
    }

    /** Applies a renewal's answer, unless one asked later was applied already or it was asked before a fence or release. */
    private void apply(long number, long at, OptionalLong granted) {
        if (number <= applied || number <= ignoreThrough || stopping) {
            return;
        }
        applied = number;
        if (granted.isPresent()) {
            if (held && epoch != granted.getAsLong()) {
                log.warn("coordinator {}: lease epoch {} became {} between two renewals (another coordinator held"
                        + " it meanwhile)", holder, epoch, granted.getAsLong());
            }
            untilNanos = at + view;
            epoch = granted.getAsLong();
            held = true;
        } else {
            held = false;
            because("another coordinator holds the lease");
        }
    }

    private void report() {
        reports.report();
    }

    /**
     * Gives the lease up if held, so a standby takes over at once; asks for no more renewals, and waits up to
     * {@link #RELEASE_WAIT} for those still out (one landing after the release would hold the lease again).
     */
    void release() {
        boolean wasHeld;
        synchronized (this) {
            wasHeld = held;
            stopping = true;
            held = false;
            because("it stopped and handed the lease over");
            long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
            try {
                for (long left = RELEASE_WAIT.toNanos(); !out.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wasHeld) {
            store.releaseLease(NAME, holder);
        }
        report();
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
