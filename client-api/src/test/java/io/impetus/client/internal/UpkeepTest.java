package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.testkit.fake.ManualTimer;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client's periodic checks, on the one timer, stepped with a settable clock. */
class UpkeepTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2024-05-01T08:00:00Z"));
    private final ManualTimer timer = new ManualTimer(clock);
    private final Upkeep upkeep = new Upkeep(timer::schedule);

    @Test
    void aStepRunsOncePerPeriodTheFirstAPeriodAfterItIsGiven() {
        AtomicInteger runs = new AtomicInteger();
        upkeep.every(2000, "counting", runs::incrementAndGet);
        timer.advance(Duration.ofMillis(1999));
        assertThat(runs).hasValue(0);
        timer.advance(Duration.ofMillis(1));
        assertThat(runs).hasValue(1);
        timer.advance(Duration.ofSeconds(6));
        assertThat(runs).hasValue(4);
    }

    @Test
    void aStepThatThrowsRunsAgainNextPeriod() {
        AtomicInteger runs = new AtomicInteger();
        upkeep.every(2000, "failing", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("broker down");
        });
        timer.advance(Duration.ofSeconds(6));
        assertThat(runs).hasValue(3);
    }

    @Test
    void noStepRunsOnceStopped() {
        AtomicInteger runs = new AtomicInteger();
        upkeep.every(2000, "counting", runs::incrementAndGet);
        timer.advance(Duration.ofSeconds(2));
        upkeep.stop();
        timer.advance(Duration.ofSeconds(10));
        assertThat(runs).hasValue(1);
        assertThat(timer.pending()).isZero();
    }
}
