package io.impetus.core.error;

/** Talking to RabbitMQ failed; the message says where and what to do about it. */
public class BrokerException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    /**
     * Why the broker could not be used, so callers can choose an exit code, a retry or a repair:
     * {@code NO_ROUTE} (a mandatory message no queue took) and {@code NOT_FOUND} (the exchange or
     * queue is missing) mean the topology needs declaring again; {@code ACCESS_REFUSED} that the
     * broker user's role does not allow it.
     */
    public enum Kind { UNREACHABLE, AUTHENTICATION, VHOST, PROTOCOL, TIMEOUT, NO_ROUTE, NOT_FOUND, ACCESS_REFUSED,
        /** A declaration that differs from the existing queue's (type, arguments): 406 PRECONDITION_FAILED. */
        PRECONDITION_FAILED, OTHER }

    private final Kind kind;

    public BrokerException(Kind kind, String message, Throwable cause) {
        super(message, kind == Kind.UNREACHABLE || kind == Kind.TIMEOUT, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether {@code e} (or its cause) says a queue or exchange is missing. */
    public static boolean isMissingTopology(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BrokerException be && (be.kind == Kind.NO_ROUTE || be.kind == Kind.NOT_FOUND)) {
                return true;
            }
        }
        return false;
    }
}
