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

/**
 * A stream whose finished jobs wait for their results' confirms (a broker alarm holds them for as
 * long as it lasts) is not idle: the node must not drop its subscription, which would give those
 * jobs back to the queue to run again; nor, while the alarm lasts, is a job whose result timed out given
 * back (it would run again at each deadline). Fake broker holding confirms or blocked, settable clock.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HeldDeliveriesTest {

    @Test
    void aStreamWhoseResultsWaitForTheirConfirmsIsNotIdleUntilTheyAreConfirmed() {
        Engine e = new Engine(Map.of("timeout", 1.0), 1);
        e.broker.holdConfirms(true);
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(4));
        for (int i = 0; i < 5; i++) { // the idle worker retires; the stream's idle timeout passes, five times over
            e.clock.advance(Duration.ofSeconds(1));
            e.runner.check();
            e.runBlocking();
        }
        assertThat(e.runner.load().workers()).isZero();
        assertThat(d.state()).as("its result not yet confirmed").isEqualTo(FakeDelivery.State.UNSETTLED);
        assertThat(e.runner.isIdle()).as("holding a job whose result waits for its confirm").isFalse();

        e.broker.confirmHeld();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        e.clock.advance(Duration.ofSeconds(1));
        e.runner.check();
        assertThat(e.runner.isIdle()).isTrue();
    }

    @Test
    void aJobWhoseResultTimedOutDuringAnAlarmGoesBackToItsQueueOnlyOnceTheAlarmHasCleared() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.setBlocked("low on memory");
        e.broker.onPublish(m -> new BrokerException(BrokerException.Kind.TIMEOUT, "not stored: no confirm within"
                + " 30000 ms; RabbitMQ blocks this connection (low on memory)", null));
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(4));
        e.timer.advance(Duration.ofSeconds(60));
        assertThat(d.state()).as("held, not run again and again during the alarm").isEqualTo(FakeDelivery.State.UNSETTLED);

        e.broker.setBlocked(null);
        e.timer.advance(Duration.ofSeconds(1));
        assertThat(d.state()).isEqualTo(FakeDelivery.State.REQUEUED);
    }
}
