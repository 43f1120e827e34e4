package io.impetus.core.error;

/** Talking to RabbitMQ failed; the message says where and what to do about it. */
public class BrokerException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /** Why the broker could not be used, so callers can choose an exit code or a retry. */
    public enum Kind { UNREACHABLE, AUTHENTICATION, VHOST, PROTOCOL, TIMEOUT, OTHER }

    private final Kind kind;

    public BrokerException(Kind kind, String message, Throwable cause) {
        super(message, kind == Kind.UNREACHABLE || kind == Kind.TIMEOUT, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
