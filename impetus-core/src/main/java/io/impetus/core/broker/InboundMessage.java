package io.impetus.core.broker;

import java.util.Map;

/**
 * A message as it was received.
 *
 * @param exchange the exchange it was published to
 * @param routingKey its routing key
 * @param body the raw bytes (still encoded, see {@code contentEncoding})
 * @param contentEncoding {@code deflate} when compressed
 * @param headers application headers (values as the broker gives them)
 * @param priority its priority, or {@code null}
 * @param correlationId RPC correlation id, or {@code null}
 * @param replyTo reply queue, or {@code null}
 * @param messageId message id, or {@code null}
 * @param type the message type, or {@code null}
 * @param redelivered whether the broker delivered it before (a consumer died before acking)
 * @param userId the sender's broker user if it set one (RabbitMQ refuses a false one), else {@code null}
 */
public record InboundMessage(
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
        boolean redelivered,
        String userId) {

    public InboundMessage {
        headers = headers == null ? Map.of() : headers;
    }

    /** A header as text, or {@code null}. */
    public String header(String name) {
        Object v = headers.get(name);
        return v == null ? null : v.toString();
    }

    /** One item of a batch this message carried, as if it had come alone (its JSON as the body), for dead-lettering. */
    public InboundMessage item(byte[] json, String itemId, String itemType) {
        return new InboundMessage(exchange, routingKey, json, null, headers, priority, correlationId, replyTo, itemId,
                itemType, redelivered, userId);
    }
}
