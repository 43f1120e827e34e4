package io.impetus.core.broker;

/**
 * Receives deliveries of one subscription, one at a time, on the broker client's dispatch
 * thread. It must not block for long: hand slow work to another thread and settle the
 * delivery from there. An exception thrown here is logged and the delivery is requeued.
 */
@FunctionalInterface
public interface DeliveryHandler {
    void handle(Delivery delivery) throws Exception;
}
