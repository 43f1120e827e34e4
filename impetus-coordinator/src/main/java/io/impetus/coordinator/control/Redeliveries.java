package io.impetus.coordinator.control;

import io.impetus.core.broker.InboundMessage;

/**
 * How often a control request came back unanswered: a quorum queue counts each return of a message
 * in {@code x-delivery-count}. A request delivered {@link #LIMIT} times is a poison one — found
 * with the compose cluster profile: RabbitMQ 3.10 crashes the channel, and with it the connection,
 * that publishes a reply to a direct reply-to whose requester was connected to a broker node that
 * has gone, so answering it again takes the coordinator's connection down each time.
 */
public final class Redeliveries {
    /** Deliveries after which a control request is dropped unanswered. */
    public static final int LIMIT = 3;
    static final String HEADER = "x-delivery-count";

    private Redeliveries() {
    }

    /** How many times {@code m} was delivered before (0 for a first delivery, or where the queue does not count). */
    public static long count(InboundMessage m) {
        Object n = m.headers().get(HEADER);
        if (n instanceof Number number) {
            return number.longValue();
        }
        if (n != null) {
            try {
                return Long.parseLong(n.toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Whether {@code m} came back {@link #LIMIT} times or more. */
    public static boolean tooMany(InboundMessage m) {
        return count(m) >= LIMIT;
    }
}
