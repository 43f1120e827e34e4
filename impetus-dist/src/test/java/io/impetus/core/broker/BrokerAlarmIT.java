package io.impetus.core.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.error.BrokerException;
import io.impetus.dist.BrokerAlarm;
import io.impetus.testkit.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real memory and disk alarms on the local RabbitMQ (rabbitmqctl; always put back): the broker
 * blocks the publishing connection, which says so and why; consuming, acking and inspecting go on
 * on the other connection; a publish past its deadline fails naming the alarm and is stored once
 * when the alarm clears. Needs the local broker's rabbitmqctl (CI is root).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerAlarmIT {

    private static OutboundMessage message(String queue, String id) {
        return OutboundMessage.toQueue(queue).body(id.getBytes(StandardCharsets.UTF_8)).messageId(id).build();
    }

    @Test
    void aMemoryAlarmBlocksTheConnectionWhichSaysWhyAndPublishesOnceItClears() throws Exception {
        Broker broker = Brokers.connect(BrokerIT.settings(), "BrokerAlarmIT");
        String queue = TestBroker.uniqueName("it.alarm");
        try {
            broker.declareQueue(QueueSpec.durable(queue));
            assertThat(broker.blocked()).isEmpty();
            CompletableFuture<Void> held;
            try (BrokerAlarm alarm = BrokerAlarm.raise(BrokerAlarm.Kind.MEMORY)) {
                held = broker.publish(message(queue, "m1"));
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.blocked().isPresent());
                assertThat(broker.blocked().orElseThrow()).containsIgnoringCase("memory");
                assertThat(held).as("held while blocked").isNotDone();
            }
            held.get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.blocked().isEmpty());
            assertThat(broker.inspect(queue).orElseThrow().ready()).isEqualTo(1);
        } finally {
            try {
                broker.deleteQueue(queue, false);
            } finally {
                broker.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BrokerAlarm.Kind.class)
    void duringAnAlarmDeliveriesAndAcksFlowAndAPublishPastItsDeadlineFailsSayingWhyAndIsStoredOnce(
            BrokerAlarm.Kind kind) throws Exception {
        Broker broker = Brokers.connect(BrokerIT.settings(), "BrokerAlarmIT " + kind,
                new PublishDeadline(Duration.ofSeconds(3), 2));
        String delivered = TestBroker.uniqueName("it.alarm.delivered");
        String held = TestBroker.uniqueName("it.alarm.held");
        try {
            broker.declareQueue(QueueSpec.durable(delivered));
            broker.declareQueue(QueueSpec.durable(held));
            for (int i = 0; i < 3; i++) {
                broker.publish(message(delivered, "before-" + i)).get(10, TimeUnit.SECONDS);
            }
            CompletableFuture<Void> late;
            try (BrokerAlarm alarm = BrokerAlarm.raise(kind)) {
                late = broker.publish(message(held, "during"));
                await().atMost(Duration.ofSeconds(20)).until(() -> broker.blocked().isPresent());
                assertThat(broker.blocked().orElseThrow()).containsIgnoringCase(alarm.reasonWord());

                // consumed and acked while the publishing connection is blocked
                List<Delivery> got = new CopyOnWriteArrayList<>();
                Subscription sub = broker.consume(delivered, 10, got::add);
                await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
                got.forEach(Delivery::ack);
                sub.close(); // what was not acked would go back to the queue now
                assertThat(broker.inspect(delivered).orElseThrow().ready()).as("acked during the alarm").isZero();

                assertThatThrownBy(() -> late.get(15, TimeUnit.SECONDS)).cause().isInstanceOf(BrokerException.class)
                        .hasMessageContaining("(id during) was not stored by RabbitMQ")
                        .hasMessageContaining("RabbitMQ blocks this connection").hasMessageContaining(alarm.reasonWord());
                assertThat(alarm.isOn()).isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> broker.inspect(held).orElseThrow().ready() == 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> broker.inspect(held).orElseThrow().ready() == 1); // once: never sent again
        } finally {
            try {
                broker.deleteQueue(delivered, false);
                broker.deleteQueue(held, false);
            } finally {
                broker.close();
            }
        }
    }
}
