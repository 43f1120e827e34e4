package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.Subscription;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: the rest of a connection: sweeping a queue, requests by direct reply-to, who
 * it is and closing.
 */
interface ConnectionContract extends BrokerContractSupport {
    @Test
    default void aSweepTakesOffWhatItIsToldAndLeavesTheRestInOrder() throws Exception {
        String q = queue("swept");
        for (int i = 0; i < 5; i++) {
            publish(text(q, "m" + i).build());
        }
        List<String> looked = new CopyOnWriteArrayList<>();
        assertThat(broker().sweep(q, 4, m -> {
            looked.add(m.messageId());
            return m.messageId().equals("m1") || m.messageId().equals("m3");
        })).isEqualTo(2);
        assertThat(looked).containsExactly("m0", "m1", "m2", "m3");
        assertThat(ready(q)).isEqualTo(3);
        List<Delivery> rest = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(q, 0, d -> {
            rest.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> rest.size() == 3);
        }
        assertThat(ids(rest)).containsExactly("m0", "m2", "m4");
        assertThatThrownBy(() -> broker().sweep(name("no-queue"), 1, m -> true)).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    default void aRequestGetsItsReplyThroughDirectReplyTo() throws Exception {
        String q = queue("rpc");
        try (Subscription server = broker().consume(q, 10, d -> {
            InboundMessage m = d.message();
            broker().publish(OutboundMessage.toQueue(m.replyTo()).correlationId(m.correlationId())
                    .body(("re:" + new String(m.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))
                    .persistent(false).build());
            d.ack();
        })) {
            InboundMessage reply = broker().request(OutboundMessage.toQueue(q).correlationId("c-1")
                    .body("ping".getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(10))
                    .get(15, TimeUnit.SECONDS);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("re:ping");
            assertThat(reply.correlationId()).isEqualTo("c-1");
        }
    }

    @Test
    default void aRequestToAMissingQueueFailsNoRoute() {
        CompletableFuture<InboundMessage> reply = broker().request(OutboundMessage.toQueue(name("no-server"))
                .correlationId("c-2").body(new byte[1]).build(), Duration.ofSeconds(10));
        assertThat(failure(reply).kind()).isEqualTo(Kind.NO_ROUTE);
    }

    @Test
    default void aConnectionSaysWhoItIsAndIsOpenUntilClosedTwice() {
        assertThat(broker().serverVersion()).isNotBlank();
        assertThat(broker().user()).isNotBlank();
        assertThat(broker().isOpen()).isTrue();
        assertThat(broker().answers(Duration.ofSeconds(5))).isTrue();
        assertThat(broker().blocked()).isEmpty();
        Broker other = newConnection();
        other.close();
        other.close();
        assertThat(other.isOpen()).isFalse();
    }

    @Test
    default void anAbortedConnectionIsClosedAtOnceAndALaterCloseDoesNothing() {
        Broker other = newConnection();

        other.abort();

        assertThat(other.isOpen()).isFalse();
        other.abort();
        other.close(); // after an abort: nothing to do, nothing thrown
        assertThat(broker().isOpen()).as("another connection").isTrue();
    }
}
