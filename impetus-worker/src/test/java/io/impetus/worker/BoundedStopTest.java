package io.impetus.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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

    @Test
    void everyStreamDrainsAtOnceEvenWithMoreStreamsThanCores() {
        int streams = Runtime.getRuntime().availableProcessors() + 2;
        CountDownLatch started = new CountDownLatch(streams); // each drain waits until every drain has begun
        AtomicInteger aborts = new AtomicInteger();

        List<Integer> left = BoundedStop.runEach("draining", IntStream.range(0, streams).boxed().toList(), s -> {
            started.countDown();
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofSeconds(10), () -> {
            aborts.incrementAndGet();
            while (started.getCount() > 0) { // let the test end, and fail on the abort count
                started.countDown();
            }
        }, Duration.ofSeconds(5));

        assertThat(left).isEmpty();
        assertThat(aborts).as("drains run a few at a time hit the limit and abort the broker").hasValue(0);
    }

    @Test
    void everyStepStillEndsPastTheBoundAfterTheCallerForgetsItsItems() throws InterruptedException {
        int streams = Runtime.getRuntime().availableProcessors() + 2;
        CountDownLatch wedged = new CountDownLatch(1); // cancels still waiting after the abort
        CountDownLatch closed = new CountDownLatch(streams);
        List<Integer> runners = new ArrayList<>(IntStream.range(0, streams).boxed().toList());

        List<Integer> left = BoundedStop.runEach("draining", runners, s -> {
            try {
                wedged.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closed.countDown(); // the runner's close: its workers stop
            }
        }, Duration.ofMillis(100), () -> { }, Duration.ofMillis(100));
        runners.clear(); // the node forgets its runners as soon as the bounded step returns
        wedged.countDown();

        assertThat(left).hasSize(streams);
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("every runner closed").isTrue();
    }

    @Test
    void theStepsStillRunningPastTheBoundAreNamedAndHoldNoJvm() throws InterruptedException {
        CountDownLatch wedged = new CountDownLatch(1); // a broker that never answers these two streams' cancels
        Map<String, Boolean> daemon = new ConcurrentHashMap<>();
        CountDownLatch drained = new CountDownLatch(2); // the other two drain

        List<String> left = BoundedStop.runEach("draining", List.of("s1", "s2", "s3", "s4"), s -> {
            daemon.put(s, Thread.currentThread().isDaemon());
            if (s.equals("s2") || s.equals("s4")) {
                try {
                    wedged.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                drained.countDown();
            }
        }, Duration.ofMillis(100), () -> { // the abort does not help the two; the others have drained by the end
            try {
                drained.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofSeconds(1));

        try {
            assertThat(left).containsExactly("s2", "s4");
            assertThat(daemon).containsOnlyKeys("s1", "s2", "s3", "s4").doesNotContainValue(false);
        } finally {
            wedged.countDown();
        }
    }
}
