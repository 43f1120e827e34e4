package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;

/** A job that waits for other jobs was refused (an input of another stream, a cycle, an unknown stream); nothing changed. */
public final class DependencyException extends ImpetusException {
    public DependencyException(String message) {
        super(message);
    }
}
