package io.impetus.core.broker;

/** A running consumer. {@link #close()} cancels it; unsettled deliveries are redelivered. */
public interface Subscription extends AutoCloseable {
    /** Stops taking new deliveries; ones already received may still be settled. Idempotent. */
    void cancel();

    /** Cancels and closes the channel behind it. Idempotent. */
    @Override
    void close();
}
