package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.OverlapPolicy;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.stream.StreamProperties;
import io.impetus.testkit.fake.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do for recurring jobs, run against H2 and PostgreSQL: an occurrence is written once under
 * its unique key with its job's delayed-job row, in one transaction fenced by the lease; a run's outcome comes with
 * its done notice. The database's clock is a settable one.
 */
abstract class ScheduleStoreContract {
    static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    static final String LEASE = "coordinator";
    static final Duration TTL = Duration.ofSeconds(10);
    protected final SettableClock db = new SettableClock(T0);
    protected CoordinatorStore store;

    /** A fresh, empty store whose database clock is {@link #db}. */
    protected abstract CoordinatorStore openEmpty() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, T0, null));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    static ScheduleRecord schedule(String id, Instant next) {
        ScheduleSpec spec = ScheduleSpec.of("* * * * *", "Europe/Berlin").withMisfire(MisfirePolicy.RUN_ALL, 5)
                .withOverlap(OverlapPolicy.SKIP).withResults(10, 60);
        return ScheduleRecord.defined(id, "s", "client-1", "a.B#f", spec, "{}".getBytes(StandardCharsets.UTF_8), false,
                next, T0);
    }

    static ScheduleRecord.Fire fire(String schedule, Instant at) {
        String job = schedule + ":" + at.toEpochMilli();
        return new ScheduleRecord.Fire(at, job, "s", 2, job.getBytes(StandardCharsets.UTF_8));
    }

    private static ScheduleRecord.Firing firing(String schedule, Instant expected, Instant next, Instant... at) {
        return new ScheduleRecord.Firing(schedule, expected, next,
                Arrays.stream(at).map(i -> fire(schedule, i)).toList(), 1, 2, T0.plusMillis(250));
    }

    private List<String> dueJobs() {
        return store.claimDueJobs(100).stream().map(CoordinatorStore.DelayedJob::id).toList();
    }

    @Test
    void aScheduleIsSavedReadAndReplacedKeepingItsHistory() {
        store.saveSchedule(schedule("nightly", T0));
        assertThat(store.schedule("nightly")).get().satisfies(s -> {
            assertThat(s.spec().zone()).isEqualTo("Europe/Berlin");
            assertThat(s.spec().misfire()).isEqualTo(MisfirePolicy.RUN_ALL);
            assertThat(s.spec().catchUpCap()).isEqualTo(5);
            assertThat(s.spec().overlap()).isEqualTo(OverlapPolicy.SKIP);
            assertThat(s.spec().resultsKept()).isEqualTo(10);
            assertThat(s.next()).isEqualTo(T0);
            assertThat(s.creator()).isEqualTo("client-1");
        });
        assertThat(store.fireSchedule(firing("nightly", T0, T0.plusSeconds(60), T0))).isEqualTo(1);
        store.saveSchedule(schedule("nightly", T0.plusSeconds(120)));
        assertThat(store.schedule("nightly")).get().satisfies(s -> {
            assertThat(s.next()).isEqualTo(T0.plusSeconds(120));
            assertThat(s.runs()).as("history kept").isEqualTo(1);
            assertThat(s.lastJob()).isEqualTo("nightly:" + T0.toEpochMilli());
        });
        assertThat(store.schedules()).extracting(ScheduleRecord::id).containsExactly("nightly");
    }

    @Test
    void anOccurrenceIsWrittenOnceWithItsJobAmongTheDelayedJobs() {
        store.saveSchedule(schedule("m", T0));
        assertThat(store.fireSchedule(firing("m", T0, T0.plusSeconds(120), T0, T0.plusSeconds(60)))).isEqualTo(2);
        assertThat(dueJobs()).containsExactlyInAnyOrder("m:" + T0.toEpochMilli(), "m:" + T0.plusSeconds(60).toEpochMilli());
        assertThat(store.schedule("m")).get().satisfies(s -> {
            assertThat(s.next()).isEqualTo(T0.plusSeconds(120));
            assertThat(s.runs()).isEqualTo(2);
            assertThat(s.misses()).isEqualTo(1);
            assertThat(s.overlapSkips()).isEqualTo(2);
            assertThat(s.lastOccurrence()).isEqualTo(T0.plusSeconds(60));
            assertThat(s.lastOutcome()).isEqualTo("running");
            assertThat(s.lastFired()).isEqualTo(T0.plusMillis(250));
            assertThat(s.running()).isEqualTo(2);
        });
        // the same occurrences again (a second coordinator that read the schedule before): nothing added
        assertThat(store.fireSchedule(firing("m", T0.plusSeconds(120), T0.plusSeconds(180), T0, T0.plusSeconds(60))))
                .isZero();
        assertThat(store.scheduleOccurrences("m")).containsExactly(2, 0);
        // a pass that read an older next writes nothing at all
        assertThat(store.fireSchedule(firing("m", T0, T0.plusSeconds(999), T0.plusSeconds(120)))).isEqualTo(-1);
        assertThat(store.schedule("m").orElseThrow().next()).isEqualTo(T0.plusSeconds(180));
        assertThat(store.fireSchedule(firing("gone", T0, T0, T0))).isEqualTo(-1);
    }

    @Test
    void runsWithNoOutcomeFiredBeforeAnInstantAreGivenUpAsLost() {
        store.saveSchedule(schedule("m", T0));
        store.fireSchedule(firing("m", T0, T0.plusSeconds(120), T0, T0.plusSeconds(60))); // both fired at T0 + 250 ms
        assertThat(store.schedule("m").orElseThrow().oldestRunning()).isEqualTo(T0.plusMillis(250));
        assertThat(store.loseScheduleRuns("m", T0.plusMillis(250))).as("not fired before it").isEmpty();
        CoordinatorStore.Readying none = (d, inputs) -> new CoordinatorStore.Ready(new byte[0], false);
        store.inputDone("m:" + T0.toEpochMilli(), "s", true, new byte[] {1}, none);
        assertThat(store.loseScheduleRuns("m", T0.plusSeconds(1))).containsExactly("m:" + T0.plusSeconds(60).toEpochMilli());
        assertThat(store.schedule("m")).get().satisfies(s -> {
            assertThat(s.lost()).isEqualTo(1);
            assertThat(s.running()).isZero();
            assertThat(s.oldestRunning()).isNull();
            assertThat(s.lastOutcome()).as("its last run was the lost one").isEqualTo("lost");
        });
        assertThat(store.loseScheduleRuns("m", T0.plusSeconds(1))).as("lost once").isEmpty();
        assertThat(store.scheduleOccurrences("m")).containsExactly(2, 2);
        // a done notice after all: the run's real outcome, still counted lost once
        store.inputDone("m:" + T0.plusSeconds(60).toEpochMilli(), "s", false, new byte[] {1}, none);
        assertThat(store.schedule("m")).get().satisfies(s -> {
            assertThat(s.lost()).isEqualTo(1);
            assertThat(s.lastOutcome()).isEqualTo("error");
        });
    }

    @Test
    void aRunsOutcomeComesWithItsDoneNotice() {
        store.saveSchedule(schedule("m", T0));
        store.fireSchedule(firing("m", T0, T0.plusSeconds(120), T0, T0.plusSeconds(60)));
        CoordinatorStore.Readying none = (d, inputs) -> new CoordinatorStore.Ready(new byte[0], false);
        store.inputDone("m:" + T0.toEpochMilli(), "s", false, new byte[] {1}, none);
        assertThat(store.schedule("m")).get().satisfies(s -> {
            assertThat(s.running()).isEqualTo(1);
            assertThat(s.lastOutcome()).as("not its last run").isEqualTo("running");
        });
        store.inputDone("m:" + T0.plusSeconds(60).toEpochMilli(), "s", true, new byte[] {1}, none);
        assertThat(store.schedule("m")).get().satisfies(s -> {
            assertThat(s.running()).isZero();
            assertThat(s.lastOutcome()).isEqualTo("ok");
        });
        assertThat(store.scheduleOccurrences("m")).containsExactly(2, 2);
        // finished runs' rows go once old; the schedule's next never goes back to them
        db.advance(Duration.ofDays(8));
        store.removeOld(Duration.ofDays(7), "member.");
        assertThat(store.scheduleOccurrences("m")).containsExactly(0, 0);
    }

    @Test
    void aStaleLeaseHolderFiresNothingAndTheNewOneFiresEachOccurrenceOnce() {
        AtomicLong fencedAt = new AtomicLong();
        long epochA = store.lease(LEASE, "a", TTL).orElseThrow();
        CoordinatorStore a = store.fenced(LEASE, () -> epochA, fencedAt::set);
        a.saveSchedule(schedule("m", T0));
        assertThat(a.fireSchedule(firing("m", T0, T0.plusSeconds(60), T0))).isEqualTo(1);

        db.advance(TTL.plusSeconds(1)); // a paused: b takes the lease
        long epochB = store.lease(LEASE, "b", TTL).orElseThrow();
        CoordinatorStore b = store.fenced(LEASE, () -> epochB, e -> { });
        assertThatThrownBy(() -> a.fireSchedule(firing("m", T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(60))))
                .isInstanceOf(FencedException.class);
        assertThat(fencedAt.get()).isEqualTo(epochA);
        assertThat(b.fireSchedule(firing("m", T0.plusSeconds(60), T0.plusSeconds(120), T0, T0.plusSeconds(60))))
                .as("T0 was fired by a already").isEqualTo(1);
        assertThat(dueJobs()).containsExactlyInAnyOrder("m:" + T0.toEpochMilli(), "m:" + T0.plusSeconds(60).toEpochMilli());
        assertThat(store.scheduleOccurrences("m")).containsExactly(2, 0);
        assertThatThrownBy(() -> a.pauseSchedule("m", true, null)).isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> a.deleteSchedule("m")).isInstanceOf(FencedException.class);
        assertThat(store.schedule("m").orElseThrow().paused()).isFalse();
    }

    @Test
    void aScheduleIsPausedResumedAndDeletedWithItsOccurrences() {
        store.saveSchedule(schedule("m", T0));
        store.fireSchedule(firing("m", T0, T0.plusSeconds(60), T0));
        assertThat(store.pauseSchedule("m", true, T0.plusSeconds(60))).isTrue();
        assertThat(store.schedule("m").orElseThrow().paused()).isTrue();
        assertThat(store.pauseSchedule("m", false, T0.plusSeconds(600))).isTrue();
        assertThat(store.schedule("m").orElseThrow().next()).isEqualTo(T0.plusSeconds(600));
        assertThat(store.pauseSchedule("other", true, null)).isFalse();
        assertThat(store.deleteSchedule("m")).isTrue();
        assertThat(store.schedule("m")).isEmpty();
        assertThat(store.scheduleOccurrences("m")).containsExactly(0, 0);
        assertThat(store.deleteSchedule("m")).isFalse();
    }
}
