package io.impetus.core.error;

/** Bytes that should hold an Impetus message do not decode; never retryable. */
public class CodecException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
