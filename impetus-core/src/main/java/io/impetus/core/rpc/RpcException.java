package io.impetus.core.rpc;

import io.impetus.core.error.ImpetusException;

/** A control RPC came back with an error; {@link #error()} says which. */
public class RpcException extends ImpetusException {
    private static final long serialVersionUID = 1L;

    private final transient RpcError error;

    public RpcException(RpcError error) {
        super(error.message(), error.retryable(), null);
        this.error = error;
    }

    public RpcError error() {
        return error;
    }

    public RpcError.Code code() {
        return error.code();
    }
}
