package io.impetus.core.broker;

/**
 * A message taken from a queue with manual acknowledgement. Exactly one of {@link #ack()} or
 * {@link #reject(boolean)} should be called, from any thread; calling again is ignored. A
 * delivery that is never settled is redelivered when its consumer's channel closes.
 */
public interface Delivery {
    InboundMessage message();

    /** Done with it: the broker forgets the message. */
    void ack();

    /** Gives it back ({@code requeue}) or drops it to the queue's dead-letter route. */
    void reject(boolean requeue);
}
