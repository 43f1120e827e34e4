package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import io.impetus.testkit.TestBroker;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The AMQP adapter against a real RabbitMQ. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BrokerIT {
    private Broker broker;
    private final List<String> queues = new CopyOnWriteArrayList<>();

    static ConnectionSettings settings() {
        Map<String, String> cli = new HashMap<>();
        cli.put("uri", TestBroker.get().amqpUri());
        if (TestBroker.get().managementUri() != null) {
            cli.put("management.uri", TestBroker.get().managementUri());
        }
        return SettingsResolver.resolve(cli, Map.of(), Map.of());
    }

    @BeforeEach
    void connect() {
        broker = Brokers.connect(settings(), "BrokerIT");
    }

    @AfterEach
    void cleanUp() {
        if (broker == null) {
            return;
        }
        queues.forEach(q -> broker.deleteQueue(q, false));
        broker.close();
    }

    private String queue(String base, Map<String, Object> args) {
        String name = TestBroker.uniqueName("it." + base);
        broker.declareQueue(QueueSpec.durable(name, args));
        queues.add(name);
        return name;
    }

    private static OutboundMessage text(String queue, String body, Integer priority) {
        return OutboundMessage.toQueue(queue).body(body.getBytes(StandardCharsets.UTF_8)).priority(priority)
                .messageId(body).build();
    }

    @Test
    void twoReadersOfAQueueTakeTurnsAndEachSeesEveryMessage() throws Exception {
        String q = queue("sweep", Map.of());
        for (int i = 0; i < 20; i++) {
            broker.publish(text(q, "m" + i, null)).get(10, TimeUnit.SECONDS);
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> firstSaw = new CopyOnWriteArrayList<>();
        List<String> secondSaw = new CopyOnWriteArrayList<>();
        try (Broker other = Brokers.connect(settings(), "BrokerIT-other")) {
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> broker.sweep(q, 100, m -> {
                firstSaw.add(m.messageId());
                if (firstSaw.size() == 10) {
                    holding.countDown(); // half the queue is held unacknowledged by this reader now
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return m.messageId().equals("m3");
            }));
            assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(broker.inspect(q)).as("counted with what this process's sweep holds").get()
                    .extracting(QueueCounts::ready).isEqualTo(19L); // m3 was taken off
            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> other.sweep(q, 100, m -> {
                secondSaw.add(m.messageId());
                return false;
            }));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !second.isDone() && secondSaw.isEmpty()); // the second reader waits for the first
            release.countDown();
            assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(second.get(40, TimeUnit.SECONDS)).isZero();
        }
        assertThat(firstSaw).hasSize(20);
        assertThat(secondSaw).hasSize(19).doesNotContain("m3").startsWith("m0", "m1", "m2", "m4");
        assertThat(broker.inspect(q)).get().extracting(QueueCounts::ready).isEqualTo(19L);
    }

    @Test
    void publishesWithConfirmAndConsumesWithAck() throws Exception {
        String q = queue("confirm", Map.of());
        broker.publish(text(q, "hello", null)).get(10, TimeUnit.SECONDS);
        assertThat(broker.inspect(q)).get().extracting(QueueCounts::ready).isEqualTo(1L);

        List<String> got = new CopyOnWriteArrayList<>();
        try (Subscription sub = broker.consume(q, 1, d -> {
            got.add(new String(d.message().body(), StandardCharsets.UTF_8));
            d.ack();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        }
        assertThat(got).containsExactly("hello");
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.inspect(q).orElseThrow().ready() == 0);
    }

    @Test
    void deliversABacklogHighestPriorityFirst() throws Exception {
        String q = queue("priority", Map.of("x-max-priority", 10));
        CompletableFuture.allOf(
                broker.publish(text(q, "low-1", 1)), broker.publish(text(q, "high", 9)),
                broker.publish(text(q, "low-2", 1)), broker.publish(text(q, "mid", 5)))
                .get(10, TimeUnit.SECONDS);

        List<String> order = new CopyOnWriteArrayList<>();
        try (Subscription sub = broker.consume(q, 1, d -> {
            order.add(d.message().messageId());
            d.ack();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 4);
        }
        assertThat(order).containsExactly("high", "mid", "low-1", "low-2");
    }

    @Test
    void aMessageSurvivesAConsumerThatDiesBeforeAcking() throws Exception {
        String q = queue("redeliver", Map.of());
        broker.publish(text(q, "precious", null)).get(10, TimeUnit.SECONDS);

        // A consumer in another connection takes the message and dies without acking.
        Broker doomed = Brokers.connect(settings(), "BrokerIT-doomed");
        List<String> seen = new CopyOnWriteArrayList<>();
        doomed.consume(q, 1, d -> seen.add(d.message().messageId()));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
        doomed.close();

        List<Boolean> redelivered = new CopyOnWriteArrayList<>();
        try (Subscription sub = broker.consume(q, 1, d -> {
            redelivered.add(d.message().redelivered());
            d.ack();
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> redelivered.size() == 1);
        }
        assertThat(redelivered).containsExactly(true);
    }

    @Test
    void answersARequestThroughDirectReplyTo() throws Exception {
        String q = queue("rpc", Map.of());
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
    void inspectingAMissingQueueSaysSoAndKeepsTheBrokerUsable() throws Exception {
        assertThat(broker.inspect(TestBroker.uniqueName("it.missing"))).isEmpty();
        String q = queue("after-missing", Map.of());
        broker.publish(text(q, "still works", null)).get(10, TimeUnit.SECONDS);
        assertThat(broker.inspect(q)).get().extracting(QueueCounts::ready).isEqualTo(1L);
    }

    @Test
    void aWrongAuthkeyIsNamedAsAnAuthenticationFailure() {
        ConnectionSettings s = settings();
        ConnectionSettings wrong = new ConnectionSettings(s.host(), s.port(), s.user(), "wrong-" + s.authkey(),
                s.vhost(), s.tls(), s.managementUri(), s.topology());
        assertThatThrownBy(() -> Brokers.connect(wrong, "BrokerIT-wrong"))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("authentication failed")
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(BrokerException.Kind.AUTHENTICATION));
    }

    @Test
    void aClosedPortIsNamedWithItsAddress() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ConnectionSettings s = settings();
        ConnectionSettings closed = new ConnectionSettings("127.0.0.1", port, s.user(), s.authkey(), s.vhost(),
                false, null, null);
        assertThatThrownBy(() -> Brokers.connect(closed, "BrokerIT-closed"))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("cannot reach RabbitMQ at 127.0.0.1:" + port)
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(BrokerException.Kind.UNREACHABLE));
    }
}
