package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: how messages are delivered: confirmed publishes, what a message carries,
 * order and priority, prefetch, requeues and settling twice.
 */
interface DeliveryContract extends BrokerContractSupport {
    @Test
    default void aConfirmedPublishWaitsInItsQueueUntilConsumedAndAcked() throws Exception {
        String q = queue("confirm");
        publish(text(q, "hello").build());
        assertThat(ready(q)).isEqualTo(1);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            assertThat(ready(q)).as("held unacked, not ready").isZero();
            got.get(0).ack();
        }
        assertThat(ready(q)).as("an acked message does not come back when its consumer closes").isZero();
    }

    @Test
    default void aMessageArrivesAsItWasPublished() throws Exception {
        String q = queue("fields");
        publish(OutboundMessage.toQueue(q).body("body".getBytes(StandardCharsets.UTF_8)).contentEncoding("deflate")
                .headers(Map.of("x-impetus-test", "v")).correlationId("c-1").replyTo("somewhere")
                .messageId("m-1").type("job").userId(broker().user()).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            InboundMessage m = got.get(0).message();
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("body");
            assertThat(m.exchange()).isEmpty();
            assertThat(m.routingKey()).isEqualTo(q);
            assertThat(m.contentEncoding()).isEqualTo("deflate");
            assertThat(m.header("x-impetus-test")).isEqualTo("v");
            assertThat(m.correlationId()).isEqualTo("c-1");
            assertThat(m.replyTo()).isEqualTo("somewhere");
            assertThat(m.messageId()).isEqualTo("m-1");
            assertThat(m.type()).isEqualTo("job");
            assertThat(m.userId()).isEqualTo(broker().user());
            assertThat(m.redelivered()).isFalse();
            got.get(0).ack();
        }
    }

    @Test
    default void aQueueWithoutPrioritiesDeliversInPublishOrder() throws Exception {
        String q = queue("fifo");
        for (int i = 0; i < 5; i++) {
            publish(text(q, "m" + i).priority(9 - i).build());
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(q, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 5);
        }
        assertThat(ids(got)).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    default void aBacklogIsDeliveredHighestPriorityFirstThenInPublishOrder() throws Exception {
        String q = queue("priority", Map.of("x-max-priority", 10));
        publish(text(q, "low-1").priority(1).build());
        publish(text(q, "high").priority(9).build());
        publish(text(q, "none").build());
        publish(text(q, "low-2").priority(1).build());
        publish(text(q, "above-max").priority(200).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(q, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 5);
        }
        assertThat(ids(got)).as("a priority above x-max-priority counts as the maximum")
                .containsExactly("above-max", "high", "low-1", "low-2", "none");
    }

    @Test
    default void aConsumerHoldsAtMostItsPrefetchUnsettledAndGetsTheNextWhenItSettlesOne() throws Exception {
        String q = queue("prefetch");
        for (int i = 0; i < 5; i++) {
            publish(text(q, "m" + i).build());
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 2, got)) {
            await().atMost(WAIT).until(() -> got.size() == 2 && ready(q) == 3);
            got.get(0).ack();
            await().atMost(WAIT).until(() -> got.size() == 3 && ready(q) == 2);
            got.get(1).reject(false);
            await().atMost(WAIT).until(() -> got.size() == 4 && ready(q) == 1);
            assertThat(ids(got)).containsExactly("m0", "m1", "m2", "m3");
            got.subList(2, 4).forEach(Delivery::ack);
            await().atMost(WAIT).until(() -> got.size() == 5);
            got.get(4).ack();
        }
    }

    @Test
    default void aRequeuedMessageComesBackMarkedRedelivered() throws Exception {
        String q = queue("requeue");
        publish(text(q, "again").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            assertThat(got.get(0).message().redelivered()).isFalse();
            got.get(0).reject(true);
            await().atMost(WAIT).until(() -> got.size() == 2);
            assertThat(got.get(1).message().messageId()).isEqualTo("again");
            assertThat(got.get(1).message().redelivered()).isTrue();
            got.get(1).ack();
        }
        assertThat(ready(q)).isZero();
    }

    @Test
    default void settlingADeliveryTwiceIsIgnored() throws Exception {
        String q = queue("twice");
        publish(text(q, "once").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            got.get(0).ack();
            got.get(0).reject(true);
            got.get(0).ack();
            publish(text(q, "next").build());
            await().atMost(WAIT).until(() -> got.size() == 2);
            assertThat(ids(got)).as("the channel is still open: the next message comes").containsExactly("once", "next");
            got.get(1).ack();
        }
        assertThat(ready(q)).as("the first settlement won: nothing was requeued").isZero();
    }
}
