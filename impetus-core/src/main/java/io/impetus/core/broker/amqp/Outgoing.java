package io.impetus.core.broker.amqp;

import io.impetus.core.broker.OutboundMessage;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One message on its way to the broker: its future, how many times it was sent, and the instant by
 * which its current send must be confirmed. Sent again under the same message id when no confirm
 * comes.
 */
final class Outgoing {
    final OutboundMessage message;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    private volatile int sends;
    private volatile Instant deadline;

    Outgoing(OutboundMessage message) {
        this.message = message;
    }

    /** Counts a new send, due to be confirmed by {@code deadline}. */
    void sending(Instant deadline) {
        this.sends++;
        this.deadline = deadline;
    }

    int sends() {
        return sends;
    }

    boolean overdue(Instant now) {
        return !now.isBefore(deadline);
    }

    String where() {
        return message.exchange().isEmpty() ? "queue '" + message.routingKey() + "'"
                : "exchange '" + message.exchange() + "' with key '" + message.routingKey() + "'";
    }
}
