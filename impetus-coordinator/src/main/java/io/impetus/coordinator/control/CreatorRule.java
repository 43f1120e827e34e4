package io.impetus.coordinator.control;

import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may change a stream: the client that created it, sending as the broker user it created it as,
 * or the admin. The creator's client id comes from its request; its broker user from the message's
 * {@code user_id}, which RabbitMQ checks against the connection's login, so a login cannot pass for
 * another even with a client id it read somewhere. A stream made before the user was recorded has
 * only its client id to match. Neither property can be given or changed by a request.
 */
final class CreatorRule {
    /** The stream property that names the client that created it. */
    static final String CREATOR = "creator";
    /** The stream property that names the broker user that created it. */
    static final String CREATOR_USER = "creator-user";

    private CreatorRule() {
    }

    /** {@code requested} without the creator's properties, which only the coordinator sets. */
    static Map<String, Object> withoutCreator(Map<String, Object> requested) {
        Map<String, Object> m = new LinkedHashMap<>(requested);
        m.remove(CREATOR);
        m.remove(CREATOR_USER);
        return m;
    }

    /** The creator's properties of a stream that {@code client}, sent by {@code caller}, creates. */
    static Map<String, Object> creatorOf(String client, Caller caller) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (client != null) {
            m.put(CREATOR, client);
        }
        if (client != null && caller.user() != null) {
            m.put(CREATOR_USER, caller.user());
        }
        return m;
    }

    /** Whether {@code client}, sent by {@code caller}, may change, close or reopen {@code stream}. */
    static boolean mayChange(StreamInfo stream, String client, Caller caller) {
        if (caller.admin()) {
            return true;
        }
        Map<String, String> meta = stream.properties().metadata();
        String creator = meta.get(CREATOR);
        String user = meta.get(CREATOR_USER);
        return (creator == null || creator.equals(client)) && (user == null || user.equals(caller.user()));
    }

    /** {@link #mayChange}, or {@code FORBIDDEN} naming the creator. */
    static void require(StreamInfo stream, String client, Caller caller, String what) {
        if (!mayChange(stream, client, caller)) {
            throw forbidden(stream, what);
        }
    }

    static RpcException forbidden(StreamInfo stream, String what) {
        Map<String, String> meta = stream.properties().metadata();
        String user = meta.get(CREATOR_USER);
        return new RpcException(RpcError.of(RpcError.Code.FORBIDDEN, "stream '" + stream.id() + "' was created by client "
                + meta.get(CREATOR) + (user == null ? "" : " as broker user " + user) + "; only it or the admin may "
                + what + " it"));
    }
}
