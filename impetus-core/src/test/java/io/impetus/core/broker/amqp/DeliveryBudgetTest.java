package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.DeliveryBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory is bounded per process, not per message: the bytes of deliveries held across subscriptions
 * count against one budget; over it, every subscription stops taking deliveries (its consumer
 * cancelled), and consumes again once half of it is settled. A closed channel's deliveries leave it.
 */
@Timeout(20)
class DeliveryBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theBudgetIsHalfTheHeapUnlessSaidOtherwiseAndNeverTiny() {
        assertThat(DeliveryBudget.fromEnvironment(Map.of(), 256 * MIB).limit()).isEqualTo(128 * MIB);
        assertThat(DeliveryBudget.fromEnvironment(Map.of(), 4 * MIB).limit()).isEqualTo(DeliveryBudget.MIN_LIMIT);
        assertThat(DeliveryBudget.fromEnvironment(Map.of(DeliveryBudget.ENV_MAX_BUFFERED_BYTES, "1000"), 256 * MIB)
                .limit()).isEqualTo(1000);
    }

    @Test
    void deliveriesOfTwoSubscriptionsCountTogetherAndFlipTheGatesOnlyWhenCrossing() {
        DeliveryBudget budget = new DeliveryBudget(100);
        AtomicInteger refreshed = new AtomicInteger();
        budget.register(refreshed::incrementAndGet);
        FakeChannel a = new FakeChannel();
        FakeChannel b = new FakeChannel();
        Acks jobs = new Acks(a.channel, "jobs-a", budget);
        Acks others = new Acks(b.channel, "jobs-b", budget);

        jobs.opened(1, 60);
        others.opened(1, 30);
        assertThat(budget.over()).isFalse();
        others.opened(2, 30);
        assertThat(budget.over()).as("120 bytes held of 100").isTrue();
        assertThat(refreshed).hasValue(1);
        jobs.opened(2, 10);
        assertThat(refreshed).as("still over: no flip").hasValue(1);

        jobs.ack(List.of(1L));
        assertThat(budget.held()).isEqualTo(70);
        assertThat(budget.over()).as("not yet down to half").isTrue();
        others.reject(1, true, "job-x");
        assertThat(budget.held()).isEqualTo(40);
        assertThat(budget.over()).isFalse();
        assertThat(refreshed).hasValue(2);

        jobs.ack(List.of(1L)); // settled twice: counted once
        others.closed(); // its channel went away: what it held goes back to the queue
        assertThat(budget.held()).isEqualTo(10);
    }

    @Test
    void aSubscriptionStopsConsumingWhileTheProcessHoldsTooMuchAndConsumesAgainOnceItIsSettled() throws Exception {
        FakeChannel fake = new FakeChannel();
        DeliveryBudget budget = new DeliveryBudget(100);
        ScheduledExecutorService healer = Executors.newSingleThreadScheduledExecutor();
        List<Delivery> held = new CopyOnWriteArrayList<>();
        try {
            AmqpSubscription sub = AmqpSubscription.start(fake.connection, healer, "jobs", 80, held::add, () -> { },
                    budget);
            assertThat(fake.calls).containsExactly("consume");
            deliver(fake, 1, 70);
            deliver(fake, 2, 70);
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.calls.size() == 2);
            assertThat(fake.calls).containsExactly("consume", "cancel tag-1");

            held.get(0).ack();
            assertThat(fake.calls).as("70 bytes held: above half").hasSize(2);
            held.get(1).ack();
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.calls.size() == 3);
            assertThat(fake.calls).containsExactly("consume", "cancel tag-1", "consume");
            assertThat(budget.held()).isZero();
            sub.cancel();
            assertThat(fake.calls).last().isEqualTo("cancel tag-3");
        } finally {
            healer.shutdownNow();
        }
    }

    private static void deliver(FakeChannel fake, long tag, int bytes) throws Exception {
        fake.consumer.handleDelivery("tag", new Envelope(tag, false, "", "jobs"),
                new AMQP.BasicProperties.Builder().messageId("job-" + tag).build(), new byte[bytes]);
    }
}
