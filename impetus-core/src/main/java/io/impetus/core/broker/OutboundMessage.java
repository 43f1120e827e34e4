package io.impetus.core.broker;

import java.util.Map;
import java.util.Objects;

/**
 * A message to publish. Persistent unless said otherwise.
 *
 * @param exchange exchange name; {@code ""} is the default exchange (routing key = queue name)
 * @param routingKey routing key
 * @param body the bytes, already encoded
 * @param contentEncoding {@code deflate} when compressed, else {@code null}
 * @param headers application headers, may be empty
 * @param priority message priority, or {@code null}
 * @param correlationId RPC correlation id, or {@code null}
 * @param replyTo where an RPC reply goes, or {@code null}
 * @param messageId the job id for jobs and results, or {@code null}
 * @param type a short name of what the body is, or {@code null}
 * @param persistent whether the broker writes it to disk
 * @param userId the broker user sending it, which RabbitMQ checks against the connection's user
 *     (so a receiver may trust it), or {@code null}
 * @param mandatory whether a message that no queue takes fails its publish ({@code NO_ROUTE})
 *     instead of vanishing: true for jobs, results and replies; false for events nobody may hear
 */
public record OutboundMessage(
        String exchange,
        String routingKey,
        byte[] body,
        String contentEncoding,
        Map<String, Object> headers,
        Integer priority,
        String correlationId,
        String replyTo,
        String messageId,
        String type,
        boolean persistent,
        boolean mandatory,
        String userId) {

    public OutboundMessage {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(body, "body");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static Builder to(String exchange, String routingKey) {
        return new Builder(exchange, routingKey);
    }

    /** Publishes straight into {@code queue} through the default exchange. */
    public static Builder toQueue(String queue) {
        return new Builder("", queue);
    }

    /** Collects the optional parts of a message. */
    public static final class Builder {
        private final String exchange;
        private final String routingKey;
        private byte[] body = new byte[0];
        private String contentEncoding;
        private Map<String, Object> headers = Map.of();
        private Integer priority;
        private String correlationId;
        private String replyTo;
        private String messageId;
        private String type;
        private boolean persistent = true;
        private boolean mandatory = true;
        private String userId;

        private Builder(String exchange, String routingKey) {
            this.exchange = exchange;
            this.routingKey = routingKey;
        }

        public Builder body(byte[] v) { body = v; return this; }
        public Builder contentEncoding(String v) { contentEncoding = v; return this; }
        public Builder headers(Map<String, Object> v) { headers = v; return this; }
        public Builder priority(Integer v) { priority = v; return this; }
        public Builder correlationId(String v) { correlationId = v; return this; }
        public Builder replyTo(String v) { replyTo = v; return this; }
        public Builder messageId(String v) { messageId = v; return this; }
        public Builder type(String v) { type = v; return this; }
        public Builder persistent(boolean v) { persistent = v; return this; }
        public Builder mandatory(boolean v) { mandatory = v; return this; }
        public Builder userId(String v) { userId = v; return this; }

        public OutboundMessage build() {
            return new OutboundMessage(exchange, routingKey, body, contentEncoding, headers, priority,
                    correlationId, replyTo, messageId, type, persistent, mandatory, userId);
        }
    }
}
