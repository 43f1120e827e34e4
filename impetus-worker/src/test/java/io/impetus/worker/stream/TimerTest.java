package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.loop.Timer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TimerTest {
    @Test
    void aTaskScheduledAfterTheTimerStoppedStillRunsSoADrainingStreamIsNotLeftWaiting() {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.shutdownNow();
        AtomicBoolean ran = new AtomicBoolean();
        Timer.of(timer).schedule(() -> ran.set(true), 1000);
        assertThat(ran).isTrue();
    }
}
