package io.impetus.core.broker;

/**
 * Receives deliveries of one subscription, one at a time, on the broker client's dispatch
 * thread. It must not block for long: hand slow work to another thread and settle the
 * delivery from there. Anything thrown here (an {@code Error} too) is logged and the delivery
 * is rejected without requeue (dead-lettered where its queue has a dead-letter route): a
 * message that breaks its handler must not come back in a loop. The consumer keeps consuming.
 */
@FunctionalInterface
public interface DeliveryHandler {
    void handle(Delivery delivery) throws Exception;
}
