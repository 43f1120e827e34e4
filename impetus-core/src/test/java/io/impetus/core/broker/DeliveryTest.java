package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A message dead-lettered in place of a delivery settles it on every path, never requeued. */
class DeliveryTest {
    private final RecordingDelivery d = new RecordingDelivery(RecordingDelivery.message(new byte[0], null, "m-1"));

    @Test
    void isAckedOnceTheDeadLetterIsConfirmedAndNotBefore() {
        CompletableFuture<Void> confirm = new CompletableFuture<>();
        d.ackOnceSent(() -> confirm);
        assertThat(d.settled()).isNull();
        confirm.complete(null);
        assertThat(d.settled()).isEqualTo("ack");
    }

    @Test
    void isRejectedWithoutRequeueWhenTheDeadLetterFails() {
        d.ackOnceSent(() -> CompletableFuture.failedFuture(new IllegalStateException("nacked")));
        assertThat(d.settled()).isEqualTo("reject");
    }

    @Test
    void isRejectedWithoutRequeueWhenThePublishThrows() {
        d.ackOnceSent(() -> {
            throw new IllegalStateException("channel closed");
        });
        assertThat(d.settled()).isEqualTo("reject");
    }
}
