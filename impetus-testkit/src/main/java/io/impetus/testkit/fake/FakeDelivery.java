package io.impetus.testkit.fake;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import java.util.concurrent.atomic.AtomicReference;

/** A delivery that remembers how it was settled (first call wins, as on a real channel). */
public final class FakeDelivery implements Delivery {
    /** How a delivery ended. */
    public enum State { UNSETTLED, ACKED, REQUEUED, REJECTED }

    private final InboundMessage message;
    private final AtomicReference<State> state = new AtomicReference<>(State.UNSETTLED);

    public FakeDelivery(InboundMessage message) {
        this.message = message;
    }

    @Override
    public InboundMessage message() {
        return message;
    }

    @Override
    public void ack() {
        state.compareAndSet(State.UNSETTLED, State.ACKED);
    }

    @Override
    public void reject(boolean requeue) {
        state.compareAndSet(State.UNSETTLED, requeue ? State.REQUEUED : State.REJECTED);
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
