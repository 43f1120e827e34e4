package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.error.BrokerException;
import io.impetus.testkit.fake.FakeDelivery;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Queues and exchanges deleted by hand are declared again by the node, and nothing is lost. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HealingTest {

    @Test
    void aResultForADeletedResultsExchangeDeclaresItAndTheClientsQueueAgain() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.deleteExchangeByHand(e.topology.resultsExchange(Engine.STREAM));
        e.broker.deleteQueue(e.topology.resultsQueue(Engine.STREAM, Engine.CLIENT), false);
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(4));
        assertThat(d.settled()).isFalse(); // the repair runs off the mailbox
        e.runBlocking();
        assertThat(e.broker.hasExchange(e.topology.resultsExchange(Engine.STREAM))).isTrue();
        assertThat(e.broker.hasQueue(e.topology.resultsQueue(Engine.STREAM, Engine.CLIENT))).isTrue();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.results()).hasSize(1);
    }

    @Test
    void aRetryForADeletedJobsQueueDeclaresItAgain() {
        Engine e = new Engine(Map.of("jobTimeout", 1.0), 1);
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        e.broker.deleteQueue(e.topology.jobsQueue(Engine.STREAM), false);
        e.worker(0).die(1);
        e.runBlocking();
        assertThat(e.broker.hasQueue(e.topology.jobsQueue(Engine.STREAM))).isTrue();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.requeued()).hasSize(1);
    }

    @Test
    void aDeletedDeadLetterExchangeIsDeclaredAgainForAnInvalidMessage() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.deleteExchangeByHand(e.topology.deadExchange());
        FakeDelivery bad = e.deliver("garbage".getBytes(), null, "g");
        e.runBlocking();
        assertThat(e.broker.hasExchange(e.topology.deadExchange())).isTrue();
        assertThat(bad.state()).isEqualTo(FakeDelivery.State.ACKED);
    }

    @Test
    void aDeletedJobsQueueIsDeclaredAgainWhileTheStreamIsOpenButNotOnceItIsClosed() {
        Engine e = new Engine(Map.of(), 1);
        String jobs = e.topology.jobsQueue(Engine.STREAM);
        e.broker.deleteQueueByHand(jobs);
        assertThat(e.broker.hasQueue(jobs)).isTrue();

        e.runner.closedByCoordinator();
        e.broker.deleteQueue(jobs, false);
        try {
            e.broker.deleteQueueByHand(jobs);
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessageContaining("closed");
        }
        assertThat(e.broker.hasQueue(jobs)).isFalse();
    }

    @Test
    void aPublishThatKeepsFailingGoesBackToTheQueueAfterAPauseNotInATightLoop() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.onPublish(m -> new BrokerException(
                BrokerException.Kind.UNREACHABLE, "connection lost", null));
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(1));
        assertThat(d.settled()).isFalse();
        e.timer.advance(Duration.ofSeconds(1));
        assertThat(d.state()).isEqualTo(FakeDelivery.State.REQUEUED);
    }
}
