package io.impetus.core.rpc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.codec.Json;

/**
 * The answer to a {@link ControlRequest}: either {@code ok} with a body, or an {@link RpcError}.
 *
 * @param requestId the request's correlation id
 * @param ok whether the call succeeded
 * @param body the result, as JSON, when ok
 * @param error what went wrong, when not ok
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlReply(String requestId, boolean ok, JsonNode body, RpcError error) {

    public static ControlReply success(String requestId, Object body) {
        return new ControlReply(requestId, true, body == null ? null : Json.tree(body), null);
    }

    public static ControlReply failure(String requestId, RpcError error) {
        return new ControlReply(requestId, false, null, error);
    }

    /** The body as {@code type}, or the error thrown as an {@link RpcException}. */
    public <T> T bodyAs(Class<T> type) {
        if (!ok) {
            throw new RpcException(error);
        }
        return body == null || body.isNull() ? null : Json.convert(body, type);
    }
}
