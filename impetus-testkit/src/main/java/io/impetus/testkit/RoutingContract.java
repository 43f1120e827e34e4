package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.Subscription;
import io.impetus.core.error.BrokerException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: how publishes are routed: counts, mandatory publishes, missing exchanges,
 * exchange types.
 */
interface RoutingContract extends BrokerContractSupport {
    @Test
    default void inspectCountsReadyMessagesAndConsumersAndSaysWhenAQueueIsMissing() throws Exception {
        assertThat(broker().inspect(name("missing"))).isEmpty();
        String q = queue("counted");
        publish(text(q, "a").build());
        publish(text(q, "b").build());
        assertThat(broker().inspect(q)).contains(new QueueCounts(q, 2, 0));
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> broker().inspect(q).orElseThrow().equals(new QueueCounts(q, 1, 1)));
            got.get(0).ack();
        }
    }

    @Test
    default void aMandatoryPublishThatReachesNoQueueFailsNoRoute() throws Exception {
        assertThat(failure(broker().publish(text(name("nowhere"), "lost").build())).kind()).isEqualTo(Kind.NO_ROUTE);
        String e = exchange("unbound", ExchangeType.DIRECT);
        String q = queue("bound");
        broker().bind(q, e, "yes");
        assertThat(failure(broker().publish(OutboundMessage.to(e, "no").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NO_ROUTE);
        publish(OutboundMessage.to(e, "yes").body(new byte[1]).build());
        assertThat(ready(q)).as("the connection goes on after a return").isEqualTo(1);
    }

    @Test
    default void aPublishThatMayReachNoQueueIsConfirmedAndDropped() throws Exception {
        String e = exchange("quiet", ExchangeType.TOPIC);
        publish(OutboundMessage.to(e, "nobody.listens").body(new byte[1]).mandatory(false).build());
    }

    @Test
    default void aPublishToAMissingExchangeFailsNotFoundAndTheNextOneGoesThrough() throws Exception {
        assertThat(failure(broker().publish(OutboundMessage.to(name("no-exchange"), "k").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NOT_FOUND);
        String q = queue("after-missing-exchange");
        publish(text(q, "still works").build());
        assertThat(ready(q)).isEqualTo(1);
    }

    @Test
    default void exchangesRouteByTheirType() throws Exception {
        String direct = exchange("direct", ExchangeType.DIRECT);
        String fanout = exchange("fanout", ExchangeType.FANOUT);
        String topic = exchange("topic", ExchangeType.TOPIC);
        String a = queue("route-a");
        String b = queue("route-b");
        broker().bind(a, direct, "client-1");
        broker().bind(b, direct, "client-2");
        broker().bind(a, fanout, "ignored");
        broker().bind(b, fanout, "");
        broker().bind(a, topic, "stream.*");
        broker().bind(b, topic, "node.#");
        broker().bind(b, topic, "node.#"); // binding twice is one binding
        publish(OutboundMessage.to(direct, "client-1").body(new byte[1]).build());
        assertThat(List.of(ready(a), ready(b))).containsExactly(1L, 0L);
        publish(OutboundMessage.to(fanout, "anything").body(new byte[1]).build());
        assertThat(List.of(ready(a), ready(b))).containsExactly(2L, 1L);
        publish(OutboundMessage.to(topic, "stream.created").body(new byte[1]).build());
        publish(OutboundMessage.to(topic, "node").body(new byte[1]).build());
        publish(OutboundMessage.to(topic, "node.heartbeat.n1").body(new byte[1]).build());
        assertThat(failure(broker().publish(OutboundMessage.to(topic, "stream.created.late").body(new byte[1]).build()))
                .kind()).as("* is exactly one word").isEqualTo(Kind.NO_ROUTE);
        assertThat(List.of(ready(a), ready(b))).containsExactly(3L, 3L);
    }
}
