package io.impetus.coordinator;

import io.impetus.core.broker.Broker;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop step: one round trip to the broker on the connection that consumes ({@link Broker#answers}, waited
 * for at most {@link Lease#BROKER_ANSWER}), remembering when the last answered one was asked. The lease is
 * renewed only while the broker {@link #answersLately() answered lately}. On a thread of its own, apart from
 * the renewals: a round trip held up on a lossy link then holds up no renewal, and one renewal's check never
 * waits for another's round trip.
 *
 * <p>"Lately" is {@link #SILENCE}: RabbitMQ itself drops a connection it has heard nothing on for two to
 * three heartbeats (6–9 s for the coordinator's 3 s), and one TCP connection on a lossy link can go silent for
 * 4–5 s on retransmissions alone (a segment lost three times; measured up to 4.8 s on a 200 ms ± 50 ms, 10 %
 * loss link). A coordinator cut off from RabbitMQ renews for at most this long after the cut, so its lease
 * runs out at most SILENCE + TTL after it, about when RabbitMQ drops its consumers.
 */
final class PingBroker {
    private static final Logger log = LoggerFactory.getLogger(PingBroker.class);
    /** How often a round trip is asked for (after the last one returned). */
    static final Duration EVERY = Duration.ofMillis(250);
    /** How long after the asking of the last answered round trip the broker still counts as answering. */
    static final Duration SILENCE = Duration.ofSeconds(5);
    /** A silence longer than this (between the askings of two answered round trips) is logged. */
    static final Duration LOGGED_SILENCE = Duration.ofMillis(1500);

    private final Broker broker;
    private final LongSupplier nanos;
    private final String holder;
    private volatile long lastAnswered;
    private volatile boolean answered;

    PingBroker(Broker broker, Clock clock, String holder) {
        this.broker = broker;
        this.nanos = Lease.monotonic(clock);
        this.holder = holder;
    }

    /** One round trip; returns whether the broker answered it in time. */
    boolean runOnce() {
        long asked = nanos.getAsLong();
        if (!broker.answers(Lease.BROKER_ANSWER)) {
            return false;
        }
        if (answered) {
            long silent = (asked - lastAnswered) / 1_000_000;
            if (silent > LOGGED_SILENCE.toMillis()) {
                log.warn("coordinator {}: the broker answered again after {} ms without an answered round trip", holder,
                        silent);
            }
        }
        lastAnswered = asked;
        answered = true;
        return true;
    }

    /** Whether a round trip asked less than {@link #SILENCE} ago was answered. */
    boolean answersLately() {
        return answered && nanos.getAsLong() - lastAnswered < SILENCE.toNanos();
    }
}
