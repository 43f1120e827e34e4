package io.impetus.core.error;

/**
 * The root of every failure Impetus reports. Unchecked; whether the failed operation may be
 * tried again is data ({@link #retryable()}), never guesswork from the message.
 */
public class ImpetusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public ImpetusException(String message) {
        this(message, false, null);
    }

    public ImpetusException(String message, Throwable cause) {
        this(message, false, cause);
    }

    public ImpetusException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether the same operation may succeed if tried again unchanged. */
    public boolean retryable() {
        return retryable;
    }
}
