package io.impetus.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timer.dropping on a real executor; Timer.repeat on a recording timer: the delays it asks for, and its stop. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TimerTest {
    @Test
    void aDroppingTimerRunsTasksOnItsExecutorWhileItRuns() throws InterruptedException {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("timer-test"));
        try {
            CountDownLatch ran = new CountDownLatch(1);
            Thread[] on = new Thread[1];
            Timer.dropping(executor).schedule(() -> {
                on[0] = Thread.currentThread();
                ran.countDown();
            }, 10);
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(on[0]).isNotSameAs(Thread.currentThread());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aDroppingTimerDropsTasksOnceItsExecutorIsShutDownNeitherRunningNorThrowing() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        executor.shutdownNow();
        AtomicBoolean ran = new AtomicBoolean();
        assertThatCode(() -> Timer.dropping(executor).schedule(() -> ran.set(true), 0)).doesNotThrowAnyException();
        assertThat(ran).isFalse();
    }

    /** Records each delay asked for; {@link #next()} runs the oldest task filed. */
    private static final class Recording implements Timer {
        final List<Long> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void schedule(Runnable task, long delayMillis) {
            delays.add(delayMillis);
            tasks.add(task);
        }

        void next() {
            tasks.remove(0).run();
        }
    }

    @Test
    void repeatsAfterTheFirstDelayEveryPeriodUntilStopped() {
        Recording timer = new Recording();
        AtomicInteger passes = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        timer.repeat(0, 250, false, running::get, passes::incrementAndGet);
        timer.next();
        timer.next();
        assertThat(passes).hasValue(2);
        assertThat(timer.delays).containsExactly(0L, 250L, 250L);
        running.set(false);
        timer.next();
        assertThat(passes).as("stopped: no pass, nothing filed again").hasValue(2);
        assertThat(timer.tasks).isEmpty();
    }

    @Test
    void fromStartSubtractsTheTimeAPassTook() {
        Recording timer = new Recording();
        timer.repeat(10, 100, true, () -> true, () -> sleep(30));
        timer.next();
        assertThat(timer.delays.get(1)).isBetween(0L, 75L);
        Recording fixedDelay = new Recording();
        fixedDelay.repeat(10, 100, false, () -> true, () -> sleep(30));
        fixedDelay.next();
        assertThat(fixedDelay.delays.get(1)).isEqualTo(100L);
    }

    @Test
    void refusesAPeriodThatIsNotPositive() {
        assertThatThrownBy(() -> new Recording().repeat(0, 0, false, () -> true, () -> { }))
                .hasMessageContaining("period must be positive");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms); // the pass's own length is what is measured
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
