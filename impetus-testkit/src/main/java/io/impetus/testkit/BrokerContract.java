package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine relies on of the {@link Broker} seam, run against every broker: {@code FakeBrokerContractTest}
 * (the fake the engine's unit tests use) and {@code AmqpBrokerContractIT} (RabbitMQ), as {@code StoreContract}
 * is run against H2 and PostgreSQL. A behaviour the fake gets wrong fails here, not in production. Each test
 * names its queues and exchanges uniquely and deletes them after. Waits are on state (Awaitility), so the
 * fake's synchronous handoffs and RabbitMQ's asynchronous ones both pass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BrokerContract {
    private static final Duration WAIT = Duration.ofSeconds(15);

    protected Broker broker;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    /** A new connection to the broker under test. */
    protected abstract Broker connect();

    @BeforeEach
    void open() {
        broker = connect();
    }

    @AfterEach
    void cleanUp() {
        if (broker == null) {
            return;
        }
        if (broker.isOpen()) {
            queues.forEach(q -> broker.deleteQueue(q, false));
            exchanges.forEach(broker::deleteExchange);
        }
        broker.close();
    }

    private String name(String base) {
        return TestBroker.uniqueName("contract." + base);
    }

    private String queue(String base, Map<String, Object> arguments) {
        String q = name(base);
        broker.declareQueue(QueueSpec.durable(q, arguments));
        queues.add(q);
        return q;
    }

    private String queue(String base) {
        return queue(base, Map.of());
    }

    private String exchange(String base, ExchangeType type) {
        String e = name(base);
        broker.declareExchange(e, type, true);
        exchanges.add(e);
        return e;
    }

    private static OutboundMessage.Builder text(String queue, String body) {
        return OutboundMessage.toQueue(queue).body(body.getBytes(StandardCharsets.UTF_8)).messageId(body);
    }

    private void publish(OutboundMessage m) throws Exception {
        broker.publish(m).get(10, TimeUnit.SECONDS);
    }

    private long ready(String queue) {
        return broker.inspect(queue).map(QueueCounts::ready).orElse(-1L);
    }

    private static BrokerException failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BrokerException.class);
            return (BrokerException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected the future to fail, got " + e, e);
        }
        throw new AssertionError("expected the future to fail; it succeeded");
    }

    /** Consumes {@code queue}, keeping every delivery unsettled for the test to settle. */
    private Subscription hold(String queue, int prefetch, List<Delivery> into) {
        return broker.consume(queue, prefetch, into::add);
    }

    private static List<String> ids(List<? extends Delivery> deliveries) {
        return deliveries.stream().map(d -> d.message().messageId()).toList();
    }

    @Test
    void aConfirmedPublishWaitsInItsQueueUntilConsumedAndAcked() throws Exception {
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
    void aMessageArrivesAsItWasPublished() throws Exception {
        String q = queue("fields");
        publish(OutboundMessage.toQueue(q).body("body".getBytes(StandardCharsets.UTF_8)).contentEncoding("deflate")
                .headers(Map.of("x-impetus-test", "v")).correlationId("c-1").replyTo("somewhere")
                .messageId("m-1").type("job").userId(broker.user()).build());
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
            assertThat(m.userId()).isEqualTo(broker.user());
            assertThat(m.redelivered()).isFalse();
            got.get(0).ack();
        }
    }

    @Test
    void aQueueWithoutPrioritiesDeliversInPublishOrder() throws Exception {
        String q = queue("fifo");
        for (int i = 0; i < 5; i++) {
            publish(text(q, "m" + i).priority(9 - i).build());
        }
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(q, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 5);
        }
        assertThat(ids(got)).containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void aBacklogIsDeliveredHighestPriorityFirstThenInPublishOrder() throws Exception {
        String q = queue("priority", Map.of("x-max-priority", 10));
        publish(text(q, "low-1").priority(1).build());
        publish(text(q, "high").priority(9).build());
        publish(text(q, "none").build());
        publish(text(q, "low-2").priority(1).build());
        publish(text(q, "above-max").priority(200).build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(q, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 5);
        }
        assertThat(ids(got)).as("a priority above x-max-priority counts as the maximum")
                .containsExactly("above-max", "high", "low-1", "low-2", "none");
    }

    @Test
    void aConsumerHoldsAtMostItsPrefetchUnsettledAndGetsTheNextWhenItSettlesOne() throws Exception {
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
    void aRequeuedMessageComesBackMarkedRedelivered() throws Exception {
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
    void settlingADeliveryTwiceIsIgnored() throws Exception {
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

    @Test
    void aRejectedMessageGoesToTheDeadLetterExchangeWithTheBrokersDeathHeaders() throws Exception {
        String dead = exchange("dlx", ExchangeType.FANOUT);
        String letters = queue("letters");
        broker.bind(letters, dead, "");
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
    void aDeadLetterRoutingKeyReplacesTheOriginalOne() throws Exception {
        String dead = exchange("dlx-direct", ExchangeType.DIRECT);
        String letters = queue("letters-keyed");
        broker.bind(letters, dead, "to-letters");
        String q = queue("dying-keyed", Map.of("x-dead-letter-exchange", dead, "x-dead-letter-routing-key", "to-letters"));
        publish(text(q, "doomed").build());
        try (Subscription s = broker.consume(q, 1, d -> d.reject(false))) {
            await().atMost(WAIT).until(() -> ready(letters) == 1);
        }
    }

    @Test
    void aRejectedMessageWithoutADeadLetterRouteIsDropped() throws Exception {
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
    void aMessageWhoseHandlerThrowsIsRejectedWithoutRequeueAndTheConsumerGoesOn() throws Exception {
        String dead = exchange("dlx-throw", ExchangeType.FANOUT);
        String letters = queue("letters-throw");
        broker.bind(letters, dead, "");
        String q = queue("throwing", Map.of("x-dead-letter-exchange", dead));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(q, 1, d -> {
            seen.add(d.message().messageId());
            if (d.message().messageId().equals("poison")) {
                throw new Error("the handler breaks on this one");
            }
            d.ack();
        })) {
            publish(text(q, "poison").build());
            publish(text(q, "fine").build());
            await().atMost(WAIT).until(() -> seen.size() == 2 && ready(letters) == 1);
        }
        assertThat(seen).containsExactly("poison", "fine");
        assertThat(ready(q)).isZero();
    }

    @Test
    void aClosedSubscriptionGivesBackWhatItHeldMarkedRedelivered() throws Exception {
        String q = queue("closed");
        publish(text(q, "precious").build());
        List<Delivery> first = new CopyOnWriteArrayList<>();
        Subscription dying = hold(q, 1, first);
        await().atMost(WAIT).until(() -> first.size() == 1);
        dying.close();
        await().atMost(WAIT).until(() -> ready(q) == 1);
        first.get(0).ack(); // too late: its channel is closed; the message stays
        List<Delivery> second = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, second)) {
            await().atMost(WAIT).until(() -> second.size() == 1);
            assertThat(second.get(0).message().messageId()).isEqualTo("precious");
            assertThat(second.get(0).message().redelivered()).isTrue();
            second.get(0).ack();
        }
    }

    @Test
    void aCancelledSubscriptionTakesNothingMoreButSettlesWhatItHolds() throws Exception {
        String q = queue("cancelled");
        publish(text(q, "held").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = hold(q, 5, got);
        await().atMost(WAIT).until(() -> got.size() == 1);
        s.cancel();
        await().atMost(WAIT).until(() -> broker.inspect(q).orElseThrow().consumers() == 0);
        publish(text(q, "after").build());
        got.get(0).ack();
        s.cancel(); // idempotent
        assertThat(ready(q)).as("the held one was acked; the new one waits").isEqualTo(1);
        assertThat(ids(got)).containsExactly("held");
        s.close();
        assertThat(ready(q)).isEqualTo(1);
    }

    @Test
    void aSingleActiveConsumerQueueFeedsOnlyItsFirstConsumerUntilItLeaves() throws Exception {
        String q = queue("single", Map.of("x-single-active-consumer", true));
        List<Delivery> first = new CopyOnWriteArrayList<>();
        List<Delivery> second = new CopyOnWriteArrayList<>();
        Subscription active = hold(q, 1, first);
        try (Subscription standby = hold(q, 10, second)) {
            await().atMost(WAIT).until(() -> broker.inspect(q).orElseThrow().consumers() == 2);
            publish(text(q, "m0").build());
            publish(text(q, "m1").build());
            await().atMost(WAIT).until(() -> first.size() == 1 && ready(q) == 1);
            assertThat(second).as("the standby has room but takes nothing").isEmpty();
            first.get(0).ack();
            await().atMost(WAIT).until(() -> first.size() == 2);
            active.close();
            publish(text(q, "m2").build());
            await().atMost(WAIT).until(() -> second.size() == 2);
            assertThat(ids(second)).as("m1, given back unacked, then m2").containsExactly("m1", "m2");
            second.forEach(Delivery::ack);
        }
    }

    @Test
    void inspectCountsReadyMessagesAndConsumersAndSaysWhenAQueueIsMissing() throws Exception {
        assertThat(broker.inspect(name("missing"))).isEmpty();
        String q = queue("counted");
        publish(text(q, "a").build());
        publish(text(q, "b").build());
        assertThat(broker.inspect(q)).contains(new QueueCounts(q, 2, 0));
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = hold(q, 1, got)) {
            await().atMost(WAIT).until(() -> broker.inspect(q).orElseThrow().equals(new QueueCounts(q, 1, 1)));
            got.get(0).ack();
        }
    }

    @Test
    void aMandatoryPublishThatReachesNoQueueFailsNoRoute() throws Exception {
        assertThat(failure(broker.publish(text(name("nowhere"), "lost").build())).kind()).isEqualTo(Kind.NO_ROUTE);
        String e = exchange("unbound", ExchangeType.DIRECT);
        String q = queue("bound");
        broker.bind(q, e, "yes");
        assertThat(failure(broker.publish(OutboundMessage.to(e, "no").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NO_ROUTE);
        publish(OutboundMessage.to(e, "yes").body(new byte[1]).build());
        assertThat(ready(q)).as("the connection goes on after a return").isEqualTo(1);
    }

    @Test
    void aPublishThatMayReachNoQueueIsConfirmedAndDropped() throws Exception {
        String e = exchange("quiet", ExchangeType.TOPIC);
        publish(OutboundMessage.to(e, "nobody.listens").body(new byte[1]).mandatory(false).build());
    }

    @Test
    void aPublishToAMissingExchangeFailsNotFoundAndTheNextOneGoesThrough() throws Exception {
        assertThat(failure(broker.publish(OutboundMessage.to(name("no-exchange"), "k").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NOT_FOUND);
        String q = queue("after-missing-exchange");
        publish(text(q, "still works").build());
        assertThat(ready(q)).isEqualTo(1);
    }

    @Test
    void exchangesRouteByTheirType() throws Exception {
        String direct = exchange("direct", ExchangeType.DIRECT);
        String fanout = exchange("fanout", ExchangeType.FANOUT);
        String topic = exchange("topic", ExchangeType.TOPIC);
        String a = queue("route-a");
        String b = queue("route-b");
        broker.bind(a, direct, "client-1");
        broker.bind(b, direct, "client-2");
        broker.bind(a, fanout, "ignored");
        broker.bind(b, fanout, "");
        broker.bind(a, topic, "stream.*");
        broker.bind(b, topic, "node.#");
        broker.bind(b, topic, "node.#"); // binding twice is one binding
        publish(OutboundMessage.to(direct, "client-1").body(new byte[1]).build());
        assertThat(List.of(ready(a), ready(b))).containsExactly(1L, 0L);
        publish(OutboundMessage.to(fanout, "anything").body(new byte[1]).build());
        assertThat(List.of(ready(a), ready(b))).containsExactly(2L, 1L);
        publish(OutboundMessage.to(topic, "stream.created").body(new byte[1]).build());
        publish(OutboundMessage.to(topic, "node").body(new byte[1]).build());
        publish(OutboundMessage.to(topic, "node.heartbeat.n1").body(new byte[1]).build());
        assertThat(failure(broker.publish(OutboundMessage.to(topic, "stream.created.late").body(new byte[1]).build()))
                .kind()).as("* is exactly one word").isEqualTo(Kind.NO_ROUTE);
        assertThat(List.of(ready(a), ready(b))).containsExactly(3L, 3L);
    }

    @Test
    void aQueueBoundedByMaxLengthDropsItsOldestToTheDeadLetterRoute() throws Exception {
        String dead = exchange("dlx-maxlen", ExchangeType.FANOUT);
        String letters = queue("letters-maxlen");
        broker.bind(letters, dead, "");
        String q = queue("bounded", Map.of("x-max-length", 2, "x-overflow", "drop-head", "x-dead-letter-exchange", dead));
        for (int i = 0; i < 3; i++) {
            publish(text(q, "m" + i).build());
        }
        assertThat(ready(q)).isEqualTo(2);
        await().atMost(WAIT).until(() -> ready(letters) == 1);
        List<Delivery> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(letters, 1, d -> {
            got.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> got.size() == 1);
        }
        assertThat(got.get(0).message().messageId()).isEqualTo("m0");
        assertThat(got.get(0).message().header("x-first-death-reason")).isEqualTo("maxlen");
    }

    @Test
    void declaringAQueueAgainAsItIsIsFineAndWithOtherArgumentsFailsPreconditionFailed() {
        String q = queue("redeclared", Map.of("x-max-priority", 10));
        broker.declareQueue(QueueSpec.durable(q, Map.of("x-max-priority", 10)));
        assertThatThrownBy(() -> broker.declareQueue(QueueSpec.durable(q, Map.of("x-max-priority", 5))))
                .isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
        assertThatThrownBy(() -> broker.declareQueue(new QueueSpec(q, false, false, false, Map.of("x-max-priority", 10))))
                .isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
        assertThat(broker.inspect(q)).as("the queue is as it was, and the broker still answers").isPresent();
    }

    @Test
    void declaringAnExchangeAgainWithAnotherTypeFailsPreconditionFailed() {
        String e = exchange("typed", ExchangeType.DIRECT);
        broker.declareExchange(e, ExchangeType.DIRECT, true);
        assertThatThrownBy(() -> broker.declareExchange(e, ExchangeType.TOPIC, true))
                .isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
    }

    @Test
    void aReservedNameIsRefusedAccess() {
        assertThatThrownBy(() -> broker.declareQueue(QueueSpec.durable("amq." + name("reserved"))))
                .isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.ACCESS_REFUSED));
    }

    @Test
    void bindingOrConsumingWhatIsMissingFailsNotFound() {
        String q = queue("lonely");
        String e = exchange("lonely", ExchangeType.DIRECT);
        assertThatThrownBy(() -> broker.bind(q, name("no-exchange"), "k")).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        assertThatThrownBy(() -> broker.bind(name("no-queue"), e, "k")).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        assertThatThrownBy(() -> broker.consume(name("no-queue"), 1, d -> { })).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        broker.bind(q, e, "k");
    }

    @Test
    void deletingAQueueIfEmptyKeepsOneWithMessagesAndDeletingWhatIsMissingIsFine() throws Exception {
        String q = queue("if-empty");
        publish(text(q, "keep me").build());
        broker.deleteQueue(q, true);
        assertThat(ready(q)).isEqualTo(1);
        broker.deleteQueue(q, false);
        assertThat(broker.inspect(q)).isEmpty();
        broker.deleteQueue(q, false);
        broker.deleteQueue(q, true);
        String e = exchange("deleted", ExchangeType.FANOUT);
        broker.deleteExchange(e);
        broker.deleteExchange(e);
        assertThat(failure(broker.publish(OutboundMessage.to(e, "").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void aTemporaryQueueIsGoneWhenItsLastConsumerLeaves() throws Exception {
        String q = broker.declareTemporaryQueue(name("temporary"));
        queues.add(q);
        assertThat(broker.declareTemporaryQueue(q)).as("declared again by its own connection").isEqualTo(q);
        publish(text(q, "t").build());
        Subscription s = broker.consume(q, 1, Delivery::ack);
        await().atMost(WAIT).until(() -> ready(q) == 0);
        s.cancel();
        await().atMost(WAIT).until(() -> broker.inspect(q).isEmpty());
    }

    @Test
    void aSubscriptionWhoseQueueIsDeletedResumesOnceItsBeforeResumeDeclaresItAgain() throws Exception {
        String q = queue("healing");
        List<String> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(q, 1, d -> {
            got.add(d.message().messageId());
            d.ack();
        }, () -> broker.declareQueue(QueueSpec.durable(q)))) {
            publish(text(q, "before").build());
            await().atMost(WAIT).until(() -> got.size() == 1);
            broker.deleteQueue(q, false);
            await().atMost(WAIT).until(() -> broker.inspect(q).map(QueueCounts::consumers).orElse(0) == 1);
            publish(text(q, "after").build());
            await().atMost(WAIT).until(() -> got.size() == 2);
        }
        assertThat(got).containsExactly("before", "after");
    }

    @Test
    void aSweepTakesOffWhatItIsToldAndLeavesTheRestInOrder() throws Exception {
        String q = queue("swept");
        for (int i = 0; i < 5; i++) {
            publish(text(q, "m" + i).build());
        }
        List<String> looked = new CopyOnWriteArrayList<>();
        assertThat(broker.sweep(q, 4, m -> {
            looked.add(m.messageId());
            return m.messageId().equals("m1") || m.messageId().equals("m3");
        })).isEqualTo(2);
        assertThat(looked).containsExactly("m0", "m1", "m2", "m3");
        assertThat(ready(q)).isEqualTo(3);
        List<Delivery> rest = new CopyOnWriteArrayList<>();
        try (Subscription s = broker.consume(q, 0, d -> {
            rest.add(d);
            d.ack();
        })) {
            await().atMost(WAIT).until(() -> rest.size() == 3);
        }
        assertThat(ids(rest)).containsExactly("m0", "m2", "m4");
        assertThatThrownBy(() -> broker.sweep(name("no-queue"), 1, m -> true)).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void aRequestGetsItsReplyThroughDirectReplyTo() throws Exception {
        String q = queue("rpc");
        try (Subscription server = broker.consume(q, 10, d -> {
            InboundMessage m = d.message();
            broker.publish(OutboundMessage.toQueue(m.replyTo()).correlationId(m.correlationId())
                    .body(("re:" + new String(m.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))
                    .persistent(false).build());
            d.ack();
        })) {
            InboundMessage reply = broker.request(OutboundMessage.toQueue(q).correlationId("c-1")
                    .body("ping".getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(10))
                    .get(15, TimeUnit.SECONDS);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).isEqualTo("re:ping");
            assertThat(reply.correlationId()).isEqualTo("c-1");
        }
    }

    @Test
    void aRequestToAMissingQueueFailsNoRoute() {
        CompletableFuture<InboundMessage> reply = broker.request(OutboundMessage.toQueue(name("no-server"))
                .correlationId("c-2").body(new byte[1]).build(), Duration.ofSeconds(10));
        assertThat(failure(reply).kind()).isEqualTo(Kind.NO_ROUTE);
    }

    @Test
    void aConnectionSaysWhoItIsAndIsOpenUntilClosedTwice() {
        assertThat(broker.serverVersion()).isNotBlank();
        assertThat(broker.user()).isNotBlank();
        assertThat(broker.isOpen()).isTrue();
        assertThat(broker.answers(Duration.ofSeconds(5))).isTrue();
        assertThat(broker.blocked()).isEmpty();
        Broker other = connect();
        other.close();
        other.close();
        assertThat(other.isOpen()).isFalse();
    }
}
