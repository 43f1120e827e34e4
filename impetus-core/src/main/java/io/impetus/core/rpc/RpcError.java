package io.impetus.core.rpc;

/**
 * A typed RPC failure: a code a program can branch on, a message a person can act on, and
 * whether the same call may succeed if sent again.
 */
public record RpcError(Code code, String message, boolean retryable) {

    /** What kind of failure it was. */
    public enum Code {
        UNKNOWN_STREAM, STREAM_CLOSED, INVALID_PROPERTY, UNKNOWN_BUNDLE, BAD_REQUEST, FORBIDDEN, INTERNAL, TIMEOUT,
        /** A job id the coordinator does not know in the stream named (or knows has ended). */
        UNKNOWN_JOB
    }

    public static RpcError of(Code code, String message) {
        return new RpcError(code, message, code == Code.INTERNAL || code == Code.TIMEOUT);
    }
}
