package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: what a subscription does: a failing handler, closing, cancelling, single
 * active consumers, temporary queues and a queue deleted under it.
 */
interface SubscriptionContract extends BrokerContractSupport {
    @Test
    default void aMessageWhoseHandlerThrowsIsRejectedWithoutRequeueAndTheConsumerGoesOn() throws Exception {
        String dead = exchange("dlx-throw", ExchangeType.FANOUT);
        String letters = queue("letters-throw");
        broker().bind(letters, dead, "");
        String q = queue("throwing", Map.of("x-dead-letter-exchange", dead));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(q, 1, d -> {
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
    default void aClosedSubscriptionGivesBackWhatItHeldMarkedRedelivered() throws Exception {
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

    /**
     * The subscriptions of one delivery budget (a node's streams) may share a channel: each keeps its
     * own prefetch, an ack of one never settles another's delivery, and closing one gives back what it
     * held while the others keep theirs.
     */
    @Test
    default void subscriptionsOfOneBudgetKeepTheirOwnPrefetchAndGiveBackOnlyWhatTheyHeld() throws Exception {
        DeliveryBudget budget = new DeliveryBudget(1 << 20);
        String a = queue("budget-a");
        String b = queue("budget-b");
        for (int i = 0; i < 3; i++) {
            publish(text(a, "a" + i).build());
            publish(text(b, "b" + i).build());
        }
        List<Delivery> gotA = new CopyOnWriteArrayList<>();
        List<Delivery> gotB = new CopyOnWriteArrayList<>();
        Subscription sa = broker().consume(a, 1, gotA::add, () -> { }, budget);
        try (Subscription sb = broker().consume(b, 2, gotB::add, () -> { }, budget)) {
            await().atMost(WAIT).until(() -> gotA.size() == 1 && gotB.size() == 2 && ready(a) == 2 && ready(b) == 1);
            gotB.get(1).ack(); // above a's open delivery and b's first: settles only itself
            await().atMost(WAIT).until(() -> gotB.size() == 3);
            assertThat(gotA).as("prefetch 1 of its own").hasSize(1);
            sa.close();
            await().atMost(WAIT).until(() -> ready(a) == 3);
            gotA.get(0).ack(); // too late: given back already
            gotB.get(0).reject(true);
            await().atMost(WAIT).until(() -> gotB.size() == 4);
            assertThat(ids(gotB)).containsExactly("b0", "b1", "b2", "b0");
            gotB.get(2).ack();
            gotB.get(3).ack();
        }
        await().atMost(WAIT).until(() -> ready(a) == 3 && ready(b) == 0);
        assertThat(broker().inspect(b).orElseThrow().ready()).isZero();
    }

    @Test
    default void aCancelledSubscriptionTakesNothingMoreButSettlesWhatItHolds() throws Exception {
        String q = queue("cancelled");
        publish(text(q, "held").build());
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription s = hold(q, 5, got);
        await().atMost(WAIT).until(() -> got.size() == 1);
        s.cancel();
        await().atMost(WAIT).until(() -> broker().inspect(q).orElseThrow().consumers() == 0);
        publish(text(q, "after").build());
        got.get(0).ack();
        s.cancel(); // idempotent
        assertThat(ready(q)).as("the held one was acked; the new one waits").isEqualTo(1);
        assertThat(ids(got)).containsExactly("held");
        s.close();
        assertThat(ready(q)).isEqualTo(1);
    }

    @Test
    default void aSingleActiveConsumerQueueFeedsOnlyItsFirstConsumerUntilItLeaves() throws Exception {
        String q = queue("single", Map.of("x-single-active-consumer", true));
        List<Delivery> first = new CopyOnWriteArrayList<>();
        List<Delivery> second = new CopyOnWriteArrayList<>();
        Subscription active = hold(q, 1, first);
        try (Subscription standby = hold(q, 10, second)) {
            await().atMost(WAIT).until(() -> broker().inspect(q).orElseThrow().consumers() == 2);
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
    default void aTemporaryQueueIsGoneWhenItsLastConsumerLeaves() throws Exception {
        String q = broker().declareTemporaryQueue(name("temporary"));
        createdQueues().add(q);
        assertThat(broker().declareTemporaryQueue(q)).as("declared again by its own connection").isEqualTo(q);
        publish(text(q, "t").build());
        Subscription s = broker().consume(q, 1, Delivery::ack);
        await().atMost(WAIT).until(() -> ready(q) == 0);
        s.cancel();
        await().atMost(WAIT).until(() -> broker().inspect(q).isEmpty());
    }

    @Test
    default void aSubscriptionWhoseQueueIsDeletedResumesOnceItsBeforeResumeDeclaresItAgain() throws Exception {
        String q = queue("healing");
        List<String> got = new CopyOnWriteArrayList<>();
        try (Subscription s = broker().consume(q, 1, d -> {
            got.add(d.message().messageId());
            d.ack();
        }, () -> broker().declareQueue(QueueSpec.durable(q)))) {
            publish(text(q, "before").build());
            await().atMost(WAIT).until(() -> got.size() == 1);
            broker().deleteQueue(q, false);
            await().atMost(WAIT).until(() -> broker().inspect(q).map(QueueCounts::consumers).orElse(0) == 1);
            publish(text(q, "after").build());
            await().atMost(WAIT).until(() -> got.size() == 2);
        }
        assertThat(got).containsExactly("before", "after");
    }
}
