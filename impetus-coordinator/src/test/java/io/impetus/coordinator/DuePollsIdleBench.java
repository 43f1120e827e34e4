package io.impetus.coordinator;

import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.schedule.ScheduleFiring;
import io.impetus.coordinator.schedule.ScheduleResults;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark print, not a timed assertion: the CPU the two store polls of an idle active coordinator take (an H2
 * file store with 1,000 open streams, no delayed job, no schedule; a fake broker), as they ran before (the fenced
 * claim every 0.1 s, the schedules read every 0.2 s) and with their DueWatch, each for the same wall time on this
 * thread, one after the other. Run with {@code -Dimpetus.bench.polls=true -Dtest=DuePollsIdleBench}.
 */
@EnabledIfSystemProperty(named = "impetus.bench.polls", matches = "true")
class DuePollsIdleBench {
    static final int STREAMS = 1000;
    static final Duration RUN = Duration.ofSeconds(30);

    @Test
    void idlePollsCpuBeforeAndAfter(@TempDir Path dir) throws Exception {
        Clock clock = Clock.systemUTC();
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, null)) {
            for (int i = 0; i < STREAMS; i++) {
                store.saveStream(new StreamInfo("s" + i, StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN,
                        Instant.now(), null));
            }
            long epoch = store.lease(Lease.NAME, "bench", Duration.ofHours(1)).orElseThrow();
            CoordinatorStore fenced = store.fenced(Lease.NAME, () -> epoch, stale -> { });
            FakeBroker broker = new FakeBroker();
            Topology topology = new Topology("t");
            DelayedJobs delayed = new DelayedJobs(fenced, broker, topology, null, clock, (t, ms) -> { }, r -> { }, () -> true);
            ScheduleFiring firing = new ScheduleFiring(fenced, new ScheduleResults(broker, topology), null, clock);
            run("warm-up, before", delayed::runOnce, firing::runOnce, Duration.ofSeconds(5));
            double before = run("before: claim every 0.1 s, schedules every 0.2 s", delayed::runOnce, firing::runOnce, RUN);
            DueWatch jobs = new DueWatch(Lease.monotonic(clock));
            store.onJobsHeld(jobs::due);
            PublishDueJobs publish = new PublishDueJobs(delayed, () -> true, jobs);
            FireSchedules fire = new FireSchedules(firing, () -> true, new DueWatch(Lease.monotonic(clock)));
            run("warm-up, after", publish::runOnce, fire::runOnce, Duration.ofSeconds(5));
            double after = run("after: the same steps with their DueWatch", publish::runOnce, fire::runOnce, RUN);
            System.out.printf("due polls idle, %d streams: %.3f %% -> %.3f %% of a core on the polling thread (%.1fx less)%n",
                    STREAMS, before, after, before / after);
        }
    }

    /** Runs the two steps at their periods for {@code time}; returns the thread's CPU as % of a core. */
    private static double run(String what, Runnable jobsPass, Runnable schedulesPass, Duration time) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + time.toNanos();
        for (long tick = 0; System.nanoTime() < end; tick++) {
            jobsPass.run();
            if (tick % 2 == 0) {
                schedulesPass.run();
            }
            TimeUnit.MILLISECONDS.sleep(PublishDueJobs.EVERY.toMillis()); // idleness is what is measured
        }
        double pct = 100.0 * (threads.getCurrentThreadCpuTime() - cpu) / (System.nanoTime() - start);
        System.out.printf("%s: %.3f %% of a core%n", what, pct);
        return pct;
    }
}
