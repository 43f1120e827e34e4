package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The broker check the lease reads: answered lately, counted from the asking of the last answered round trip. */
class PingBrokerTest {
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();
    private final PingBroker ping = new PingBroker(broker, clock, "a");

    @Test
    void aBrokerThatAnsweredNoRoundTripYetDoesNotCount() {
        broker.setAnswering(false);
        assertThat(ping.runOnce()).isFalse();
        assertThat(ping.answersLately()).isFalse();
    }

    @Test
    void aBrokerCountsAsAnsweringForTheSilenceAfterItsLastAnsweredRoundTripAndNotLonger() {
        assertThat(ping.runOnce()).isTrue();
        broker.setAnswering(false); // cut off: the socket stays open, round trips go unanswered
        clock.advance(PingBroker.SILENCE.minusMillis(1));
        assertThat(ping.runOnce()).isFalse();
        assertThat(ping.answersLately()).as("a lossy link goes silent for seconds").isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(ping.answersLately()).isFalse();

        broker.setAnswering(true); // healed
        clock.advance(Duration.ofSeconds(10));
        ping.runOnce();
        assertThat(ping.answersLately()).isTrue();
    }
}
