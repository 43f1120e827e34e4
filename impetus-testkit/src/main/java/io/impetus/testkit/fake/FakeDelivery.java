package io.impetus.testkit.fake;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A delivery that remembers how it was settled (first call wins, as on a real channel). One a test makes
 * itself settles nothing else; one {@link FakeBroker} hands out also tells the broker, which forgets,
 * requeues or dead-letters the message as RabbitMQ would.
 */
public final class FakeDelivery implements Delivery {
    /** How a delivery ended. */
    public enum State { UNSETTLED, ACKED, REQUEUED, REJECTED }

    private final InboundMessage message;
    private final AtomicReference<State> state = new AtomicReference<>(State.UNSETTLED);
    private final Consumer<FakeDelivery> onSettled;

    public FakeDelivery(InboundMessage message) {
        this(message, d -> { });
    }

    FakeDelivery(InboundMessage message, Consumer<FakeDelivery> onSettled) {
        this.message = message;
        this.onSettled = onSettled;
    }

    @Override
    public InboundMessage message() {
        return message;
    }

    @Override
    public void ack() {
        settle(State.ACKED);
    }

    @Override
    public void reject(boolean requeue) {
        settle(requeue ? State.REQUEUED : State.REJECTED);
    }

    private void settle(State to) {
        if (state.compareAndSet(State.UNSETTLED, to)) {
            onSettled.accept(this);
        }
    }

    public State state() {
        return state.get();
    }

    public boolean settled() {
        return state.get() != State.UNSETTLED;
    }

    @Override
    public String toString() {
        return "FakeDelivery[" + message.messageId() + ", " + state.get() + "]";
    }
}
