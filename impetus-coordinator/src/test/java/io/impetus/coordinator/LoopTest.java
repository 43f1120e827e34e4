package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop's threads and its one "log and keep running" wrapper (real threads, short periods). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopTest {

    @Test
    void aStepThatThrowsRunsAgainAtItsNextTime() {
        AtomicInteger passes = new AtomicInteger();
        try (Loop loop = new Loop()) {
            loop.every("upkeep", "fail every pass", Duration.ZERO, Duration.ofMillis(10), () -> {
                passes.incrementAndGet();
                throw new IllegalStateException("the store said no");
            });
            loop.every("upkeep", "fail hard", Duration.ZERO, Duration.ofMillis(10), () -> {
                throw new AssertionError("an Error too");
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> passes.get() >= 3);
        }
    }

    @Test
    void eachStepRunsOnTheThreadItIsGivenSoASlowOneDelaysOnlyItsOwnThread() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicInteger leasePasses = new AtomicInteger();
        try (Loop loop = new Loop()) {
            loop.now("upkeep", "hang", () -> {
                ran.add(Thread.currentThread().getName());
                try {
                    Thread.sleep(60_000); // thousands of streams, a management API that drops packets
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            loop.atRate("lease", "keep the lease", Duration.ofMillis(10), () -> {
                ran.add(Thread.currentThread().getName());
                leasePasses.incrementAndGet();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> leasePasses.get() >= 5);
        }
        assertThat(ran).contains("coordinator-upkeep-1", "coordinator-lease-1");
    }
}
