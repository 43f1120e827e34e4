package io.impetus.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}
