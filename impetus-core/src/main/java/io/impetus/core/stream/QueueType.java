package io.impetus.core.stream;

import io.impetus.core.error.InvalidPropertyException;
import java.util.Locale;

/**
 * The kind of RabbitMQ queue a stream's jobs (and its clients' results) live in: {@code classic}
 * (one broker node, priorities in the queue) or {@code quorum} (replicated by Raft across a
 * cluster's nodes; priorities kept by a few band queues, see {@link StreamProperties#bands()}).
 */
public enum QueueType {
    CLASSIC,
    QUORUM;

    /** The name in properties, options and the broker's {@code x-queue-type}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code classic} or {@code quorum} (any case); anything else is a clear error naming {@code key}. */
    public static QueueType parse(String key, Object value) {
        String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
        for (QueueType t : values()) {
            if (t.wireName().equals(text)) {
                return t;
            }
        }
        throw new InvalidPropertyException(key, "'" + key + "' must be 'classic' or 'quorum', was '" + value + "'");
    }

    @Override
    public String toString() {
        return wireName();
    }
}
