package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: where rejected and overflowing messages go: the dead-letter exchange, its
 * routing key and headers.
 */
interface DeadLetterContract extends BrokerContractSupport {
    @Test
    default void aRejectedMessageGoesToTheDeadLetterExchangeWithTheBrokersDeathHeaders() throws Exception {
        String dead = exchange("dlx", ExchangeType.FANOUT);
        String letters = queue("letters");
        broker().bind(letters, dead, "");
        String q = queue("dying", Map.of("x-dead-letter-exchange", dead));
        publish(text(q, "doomed").headers(Map.of("x-impetus-test", "kept")).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            got.get(0).reject(false);
            await().atMost(WAIT).until(() -> ready(letters) == 1);
        }
        assertThat(ready(q)).isZero();
        List<Delivery> letter = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(letters, 1, letter)) {
            await().atMost(WAIT).until(() -> letter.size() == 1);
            InboundMessage m = letter.get(0).message();
            assertThat(m.messageId()).isEqualTo("doomed");
            assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("doomed");
            assertThat(m.exchange()).isEqualTo(dead);
            assertThat(m.routingKey()).as("the original routing key unless the queue names another").isEqualTo(q);
            assertThat(m.header("x-impetus-test")).isEqualTo("kept");
            assertThat(m.header("x-first-death-reason")).isEqualTo("rejected");
            assertThat(m.header("x-first-death-queue")).isEqualTo(q);
            assertThat(m.headers()).containsKey("x-death");
            letter.get(0).ack();
        }
    }

    @Test
    default void aDeadLetterRoutingKeyReplacesTheOriginalOne() throws Exception {
        String dead = exchange("dlx-direct", ExchangeType.DIRECT);
        String letters = queue("letters-keyed");
        broker().bind(letters, dead, "to-letters");
        String q = queue("dying-keyed", Map.of("x-dead-letter-exchange", dead, "x-dead-letter-routing-key", "to-letters"));
        publish(text(q, "doomed").build());
        try (Subscription s = broker().consume(q, 1, d -> d.reject(false))) {
            await().atMost(WAIT).until(() -> ready(letters) == 1);
        }
    }

    @Test
    default void aRejectedMessageWithoutADeadLetterRouteIsDropped() throws Exception {
        String q = queue("dropped");
        publish(text(q, "gone").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> got.size() == 1);
            got.get(0).reject(false);
        }
        await().atMost(WAIT).until(() -> ready(q) == 0);
    }

    @Test
    default void aQueueBoundedByMaxLengthDropsItsOldestToTheDeadLetterRoute() throws Exception {
        String dead = exchange("dlx-maxlen", ExchangeType.FANOUT);
        String letters = queue("letters-maxlen");
        broker().bind(letters, dead, "");
        String q = queue("bounded", Map.of("x-max-length", 2, "x-overflow", "drop-head", "x-dead-letter-exchange", dead));
        for (int i = 0; i < 3; i++) {
            publish(text(q, "m" + i).build());
        }
        assertThat(ready(q)).isEqualTo(2);
        await().atMost(WAIT).until(() -> ready(letters) == 1);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(letters, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 1);
        }
        assertThat(got.get(0).message().messageId()).isEqualTo("m0");
        assertThat(got.get(0).message().header("x-first-death-reason")).isEqualTo("maxlen");
    }
}
