package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;

/**
 * The store could not be reached (no connection, a connection that broke, or one that did not answer
 * within its socket timeout), as opposed to a store that answered with an error. Retryable: what a
 * coordinator cut off from its store was doing goes back to its queue, for whichever coordinator holds
 * the lease once this one's runs out.
 */
public final class StoreUnavailableException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
