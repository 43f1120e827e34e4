package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;

/**
 * A write refused because the coordinator's lease epoch is no longer the current one: another
 * coordinator took the lease (this one was paused, or cut off, longer than the lease). Not
 * retryable: the coordinator stands by.
 */
public final class FencedException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    private final long epoch;

    public FencedException(long epoch) {
        super("fenced: lease epoch " + epoch + " is no longer current; standing by", false, null);
        this.epoch = epoch;
    }

    /** The stale epoch the write carried. */
    public long epoch() {
        return epoch;
    }
}
