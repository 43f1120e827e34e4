package io.impetus.coordinator;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upkeep of the store: deletes the rows of closed streams whose queues were removed longer than the
 * retention ago, and the member leases of coordinators gone that long; and cancels older than
 * {@link CancelList#DEFAULT_KEEP} or of streams whose queues were removed. (A delayed job's row goes as
 * soon as it is published, so none is left to delete.) Run by the active coordinator only, through
 * the fenced store, every {@link #EVERY}; {@link #runOnce()} steps it.
 */
final class RemoveOldRows {
    private static final Logger log = LoggerFactory.getLogger(RemoveOldRows.class);
    static final Duration EVERY = Duration.ofHours(1);

    /** When the first pass runs after a start. */
    static final Duration FIRST = Duration.ofMinutes(1);

    private final CoordinatorStore store;
    private final Duration retention;
    private final BooleanSupplier active;

    /** Upkeep that runs whenever stepped (the fence alone keeps a coordinator that lost the lease out). */
    RemoveOldRows(CoordinatorStore store, Duration retention) {
        this(store, retention, () -> true);
    }

    /** @param active whether this coordinator is the active one now: a standby's passes do nothing */
    RemoveOldRows(CoordinatorStore store, Duration retention, BooleanSupplier active) {
        this.store = store;
        this.retention = retention;
        this.active = active;
    }

    /** Deletes what is older than the retention; returns what it deleted. */
    CoordinatorStore.Removed runOnce() {
        if (!active.getAsBoolean()) {
            return new CoordinatorStore.Removed(0, 0);
        }
        removeOldCancels();
        CoordinatorStore.Removed removed;
        try {
            removed = store.removeOld(retention, Membership.MEMBER);
        } catch (FencedException e) {
            log.info("old rows not removed: {}", e.getMessage());
            return new CoordinatorStore.Removed(0, 0);
        }
        if (removed.total() > 0) {
            log.info("removed old rows from the store ({} retention): {} closed and drained stream(s), {} member"
                    + " lease(s) of coordinators gone", retention, removed.streams(), removed.leases());
        } else {
            log.debug("no rows older than {} to remove from the store", retention);
        }
        return removed;
    }

    /** Cancels older than nodes honour them, or of streams whose queues were removed (no job of theirs is left). */
    private void removeOldCancels() {
        try {
            int cancels = store.removeOldCancels(CancelList.DEFAULT_KEEP);
            if (cancels > 0) {
                log.info("removed {} cancel(s) older than {} or of streams whose queues were removed", cancels,
                        CancelList.DEFAULT_KEEP);
            }
        } catch (FencedException e) {
            log.info("old cancels not removed: {}", e.getMessage());
        }
    }
}
