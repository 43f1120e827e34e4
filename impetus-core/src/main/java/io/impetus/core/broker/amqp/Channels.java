package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.ShutdownSignalException;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Conversions between the seam's records and the AMQP client's types. */
final class Channels {
    private Channels() {
    }

    @FunctionalInterface
    interface ChannelCall<T> {
        T apply(Channel channel) throws IOException;
    }

    static AMQP.BasicProperties properties(OutboundMessage m) {
        return new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .contentEncoding(m.contentEncoding())
                .headers(m.headers().isEmpty() ? null : m.headers())
                .deliveryMode(m.persistent() ? 2 : 1)
                .priority(m.priority())
                .correlationId(m.correlationId())
                .replyTo(m.replyTo())
                .messageId(m.messageId())
                .type(m.type())
                .userId(m.userId())
                .build();
    }

    static InboundMessage inbound(Envelope envelope, AMQP.BasicProperties p, byte[] body) {
        Map<String, Object> headers = new HashMap<>();
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((k, v) -> headers.put(k, v instanceof LongString ? v.toString() : v));
        }
        return new InboundMessage(envelope.getExchange(), envelope.getRoutingKey(), body, p.getContentEncoding(),
                headers, p.getPriority(), p.getCorrelationId(), p.getReplyTo(), p.getMessageId(), p.getType(),
                envelope.isRedeliver(), p.getUserId());
    }

    /** The reply code of the channel error behind {@code e} (404 not found, 403 access refused), or 0. */
    static int replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException sse && sse.getReason() instanceof AMQP.Channel.Close close) {
                return close.getReplyCode();
            }
        }
        return 0;
    }

    /**
     * A channel operation's failure as the seam's exception, its kind from the reply code: 404 not
     * found, 403 access refused, 406 precondition failed (a declaration that differs), else a
     * protocol error; the message is {@code what} and the broker's own words.
     */
    static BrokerException failure(String what, Throwable e) {
        BrokerException.Kind kind = switch (replyCode(e)) {
            case 404 -> BrokerException.Kind.NOT_FOUND;
            case 403 -> BrokerException.Kind.ACCESS_REFUSED;
            case 406 -> BrokerException.Kind.PRECONDITION_FAILED;
            default -> BrokerException.Kind.PROTOCOL;
        };
        return new BrokerException(kind, what + ": " + reason(e), e);
    }

    /** Whether a channel operation failed because its queue or exchange does not exist (404). */
    static boolean isNotFound(Throwable e) {
        return replyCode(e) == 404;
    }

    /** The broker's own words for why a channel operation failed. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException sse && sse.getReason() instanceof AMQP.Channel.Close close) {
                return close.getReplyText();
            }
            if (t instanceof ShutdownSignalException sse && sse.getReason() instanceof AMQP.Connection.Close close) {
                return close.getReplyText();
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
