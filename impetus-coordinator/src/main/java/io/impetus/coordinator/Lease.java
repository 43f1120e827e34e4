package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this coordinator is the active one: it holds the store's lease, taken and renewed by
 * {@link #keep()} (every {@link #RENEW_MS}, on a thread of its own), good for {@link #TTL} after each
 * renewal. It renews only while its broker connection is open: a coordinator that cannot reach
 * RabbitMQ lets the lease run out, so a standby that can takes over. Each change between active and
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
    static final long RENEW_MS = 1000;
    /** Taken off the lease's time when deciding alone whether it is still held: a pause or a slow answer eats into this first. */
    static final Duration MARGIN = Duration.ofMillis(500);

    private final CoordinatorStore store;
    private final LongSupplier nanos;
    private final String holder;
    private final BooleanSupplier brokerOpen;
    private final Runnable becameActive;
    private final Runnable becameStandby;
    private volatile long untilNanos;
    private volatile boolean held;
    private volatile long epoch;
    private boolean reported;
    private boolean stopping;
    private String why = "another coordinator holds the lease";

    /** A lease whose holder always has its broker and reports only becoming active (tests). */
    Lease(CoordinatorStore store, Clock clock, String holder, Runnable becameActive) {
        this(store, clock, holder, () -> true, becameActive, () -> { });
    }

    /**
     * @param brokerOpen whether the coordinator's broker connection is open: the lease is renewed only then
     * @param becameActive runs each time this coordinator becomes the active one
     * @param becameStandby runs each time it stops being the active one
     */
    Lease(CoordinatorStore store, Clock clock, String holder, BooleanSupplier brokerOpen, Runnable becameActive,
          Runnable becameStandby) {
        this.store = store;
        this.nanos = monotonic(clock);
        this.holder = holder;
        this.brokerOpen = brokerOpen;
        this.becameActive = becameActive;
        this.becameStandby = becameStandby;
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

    /** Takes or renews the lease (only with the broker connection open); reports each change between active and standby. */
    synchronized void keep() {
        long asked = nanos.getAsLong();
        try {
            if (!brokerOpen.getAsBoolean()) {
                why = "its broker connection is down, so it does not renew its lease";
                return;
            }
            OptionalLong granted = store.lease(NAME, holder, TTL);
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
        } catch (RuntimeException e) {
            why = "it cannot renew its lease (" + e.getMessage() + ")";
            throw e;
        } finally {
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
