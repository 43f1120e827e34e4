package io.impetus.coordinator;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a lease's changes between active and standby ({@code becameActive}, {@code becameStandby}), each
 * logged with its reason: in order, one at a time, and outside the lease's lock — becoming active takes the
 * control queue, a broker call that takes seconds on a slow link, and the watchdog, the renewals and fenced
 * writes must not wait for it. A caller that finds a report under way leaves the change to it: the reporter
 * looks again before it lets go. Thread-safe.
 */
final class LeaseReports {
    private static final Logger log = LoggerFactory.getLogger(Lease.class);

    /** What a report needs of the lease, read under its lock. */
    record State(boolean active, String why, long epoch, boolean stopping) {
    }

    private final String holder;
    private final Supplier<State> state;
    private final Runnable becameActive;
    private final Runnable becameStandby;
    private final ReentrantLock reporting = new ReentrantLock();
    private final AtomicBoolean unreported = new AtomicBoolean();
    /** The state last reported; only while {@link #reporting} is held. */
    private boolean reported;

    LeaseReports(String holder, Supplier<State> state, Runnable becameActive, Runnable becameStandby) {
        this.holder = holder;
        this.state = state;
        this.becameActive = becameActive;
        this.becameStandby = becameStandby;
    }

    /**
     * Reports a change since the last report, if any (the lease may also just have run out). Throws what
     * {@code becameActive} threw; it is then tried again at the next report (not active until what being
     * active takes has been done).
     */
    void report() {
        unreported.set(true);
        while (unreported.get() && reporting.tryLock()) {
            try {
                unreported.set(false);
                reportChange();
            } finally {
                reporting.unlock();
            }
        }
    }

    private void reportChange() {
        State now = state.get();
        if (now.active() == reported) {
            return;
        }
        reported = now.active();
        if (now.active()) {
            log.info("coordinator {} is now the active coordinator (lease epoch {})", holder, now.epoch());
            try {
                becameActive.run();
            } catch (RuntimeException e) {
                reported = false;
                throw e;
            }
        } else {
            if (now.stopping()) {
                log.info("coordinator {} is standing by: {}", holder, now.why());
            } else {
                log.warn("coordinator {} is standing by: {}", holder, now.why());
            }
            becameStandby.run();
        }
    }
}
