package io.impetus.core.rpc;

import io.impetus.core.error.CodecException;
import io.impetus.core.stream.StreamId;
import io.impetus.core.stream.StreamProperties;
import java.time.Instant;

/**
 * What the coordinator knows of a stream.
 *
 * @param id the stream id
 * @param properties its current properties
 * @param state open or closed
 * @param created when it was created
 * @param closed when it was closed, or {@code null}
 */
public record StreamInfo(String id, StreamProperties properties, State state, Instant created, Instant closed) {

    /** A stream takes jobs while open; a closed one keeps its record so it shows as closed. */
    public enum State { OPEN, CLOSED }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** {@code info} if it is whole (an id that can name a stream, properties, a state), else a {@code CodecException}. */
    public static StreamInfo checked(StreamInfo info) {
        if (info == null || info.properties() == null || info.state() == null) {
            throw new CodecException("a stream event needs an id, properties and a state", null);
        }
        try {
            StreamId.check("stream", info.id());
        } catch (RuntimeException e) {
            throw new CodecException(e.getMessage(), e);
        }
        return info;
    }
}
