package io.impetus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node's stop held to a limit when the broker does not answer its consumers' cancels. No sleeps: latches. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BoundedStopTest {

    @Test
    void aStepThatEndsInTimeAbortsNothing() {
        AtomicInteger aborts = new AtomicInteger();

        boolean ended = BoundedStop.run("draining", () -> { }, Duration.ofSeconds(5), aborts::incrementAndGet,
                Duration.ofSeconds(5));

        assertThat(ended).isTrue();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void aCancelTheBrokerDoesNotAnswerIsCutShortByAbortingTheConnection() {
        CountDownLatch connection = new CountDownLatch(1); // a cancel waits for the broker until the abort
        AtomicInteger aborts = new AtomicInteger();

        boolean ended = BoundedStop.run("draining", () -> {
            try {
                connection.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(100), () -> {
            aborts.incrementAndGet();
            connection.countDown();
        }, Duration.ofSeconds(5));

        assertThat(ended).isTrue();
        assertThat(aborts).hasValue(1);
    }

    @Test
    void aStepThatStillWaitsAfterTheAbortIsLeftBehindAndTheStopGoesOn() {
        CountDownLatch never = new CountDownLatch(1);
        long start = System.nanoTime();

        boolean ended = BoundedStop.run("draining", () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(100), () -> { }, Duration.ofMillis(100));

        assertThat(ended).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        never.countDown();
    }
}
