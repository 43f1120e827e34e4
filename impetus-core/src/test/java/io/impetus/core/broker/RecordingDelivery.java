package io.impetus.core.broker;

import java.util.Map;

/** A delivery that remembers how it was settled: {@code ack}, {@code requeue} or {@code reject}; null while open. */
public final class RecordingDelivery implements Delivery {
    private final InboundMessage message;
    private String settled;

    public RecordingDelivery(InboundMessage message) {
        this.message = message;
    }

    public static InboundMessage message(byte[] body, String type, String id) {
        return new InboundMessage("", "q", body, null, Map.of(), null, null, null, id, type, false, null);
    }

    @Override
    public InboundMessage message() {
        return message;
    }

    @Override
    public synchronized void ack() {
        if (settled == null) {
            settled = "ack";
        }
    }

    @Override
    public synchronized void reject(boolean requeue) {
        if (settled == null) {
            settled = requeue ? "requeue" : "reject";
        }
    }

    public synchronized String settled() {
        return settled;
    }
}
