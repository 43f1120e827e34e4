package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.control.Caller;
import io.impetus.coordinator.control.ScheduleControl;
import io.impetus.coordinator.schedule.RunBound;
import io.impetus.coordinator.schedule.ScheduleFiring;
import io.impetus.coordinator.schedule.ScheduleResults;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.ScheduleRecord;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.OverlapPolicy;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schedule promises on a settable clock (fake broker, H2 store whose clock is the same): one job per
 * occurrence across two coordinators and a fail-over, the misfire and overlap policies, the daylight-saving rules.
 */
class ScheduleFiringTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final Duration TTL = Duration.ofSeconds(5);
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock(T0);
    private final ScheduleResults results = new ScheduleResults(broker, topology);
    @TempDir
    Path dir;
    private CoordinatorStore store;

    @BeforeEach
    void open() {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
        new TopologyDeclarer(broker, topology).declareStream("s", StreamProperties.DEFAULTS);
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner")),
                StreamInfo.State.OPEN, T0, null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    static JobEnvelope template() {
        return JobEnvelope.builder().id("template").stream("s").client("owner").name("tick").function("a.B#tick")
                .code("0".repeat(64)).status(JobStatus.WAITING).build();
    }

    private ScheduleControl control(CoordinatorStore on) {
        return new ScheduleControl(on, new ScheduleFiring(on, results, null, clock), results, null, clock);
    }

    private void upsert(String id, ScheduleSpec spec) {
        control(store).answer(new ControlRequest.Schedules("upsert", id, "s", spec, template(), "owner", 0), Caller.ANYONE);
    }

    private List<String> jobs() {
        return store.claimDueJobs(100_000).stream().map(CoordinatorStore.DelayedJob::id).sorted().toList();
    }

    @Test
    void exactlyOneJobPerOccurrenceAcrossTwoCoordinatorsAndAFailOver() {
        upsert("tick", ScheduleSpec.of("* * * * * *", "UTC").withSeconds(true));
        AtomicLong epochA = new AtomicLong(store.lease("coordinator", "a", TTL).orElseThrow());
        AtomicLong epochB = new AtomicLong();
        FireSchedules a = new FireSchedules(new ScheduleFiring(store.fenced("coordinator", epochA::get, e -> { }),
                results, null, clock), () -> true, new DueWatch(Lease.monotonic(clock))); // a believes it is active throughout: paused, then stale
        AtomicBoolean bActive = new AtomicBoolean();
        FireSchedules b = new FireSchedules(new ScheduleFiring(store.fenced("coordinator", epochB::get, e -> { }),
                results, null, clock), bActive::get, new DueWatch(Lease.monotonic(clock)));
        int added = 0;
        for (int second = 1; second <= 60; second++) {
            clock.advance(Duration.ofMillis(1000));
            if (second <= 20) {
                store.lease("coordinator", "a", TTL); // a renews until it pauses at 20 s
            }
            OptionalLong tookB = store.lease("coordinator", "b", TTL);
            if (tookB.isPresent()) {
                epochB.set(tookB.getAsLong());
                bActive.set(true);
            }
            added += a.runOnce(); // after 20 s its epoch is stale: fenced, it writes nothing
            added += b.runOnce();
            added += a.runOnce(); // the two interleave both ways
        }
        assertThat(bActive).as("b took over").isTrue();
        List<String> jobs = jobs();
        assertThat(jobs).hasSize(60).doesNotHaveDuplicates();
        assertThat(added).isEqualTo(60);
        assertThat(store.scheduleOccurrences("tick")[0]).isEqualTo(60);
        ScheduleRecord s = store.schedule("tick").orElseThrow();
        assertThat(s.runs()).isEqualTo(60);
        assertThat(s.misses()).isZero();
        assertThat(s.next()).isEqualTo(T0.plusSeconds(61));
    }

    @Test
    void idleTheStepReadsTheSchedulesOnlyAtTheNextOccurrenceOrOnAChange() {
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        DueWatch watch = new DueWatch(Lease.monotonic(clock), Duration.ofMinutes(10)); // no safety net in this test
        firing.whenChanged(() -> watch.due(Duration.ZERO));
        FireSchedules step = new FireSchedules(firing, () -> true, watch);
        assertThat(step.runOnce()).as("no schedule yet").isZero();
        ScheduleControl control = new ScheduleControl(store, firing, results, null, clock);
        control.answer(new ControlRequest.Schedules("upsert", "m", "s", ScheduleSpec.of("* * * * *", "UTC"), template(),
                "owner", 0), Caller.ANYONE); // next: T0 + 1 min; the change wakes the step
        assertThat(watch.time()).as("woken by the change").isTrue();
        assertThat(step.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(59));
        assertThat(watch.time()).as("its next occurrence is a second off").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(step.runOnce()).isEqualTo(1);
        assertThat(step.runOnce()).as("the pass after a firing reads the new next occurrence").isZero();
        clock.advance(Duration.ofSeconds(30));
        assertThat(watch.time()).isFalse();
        control.answer(new ControlRequest.Schedules("pause", "m", null, null, null, "owner", 0), Caller.ANYONE);
        assertThat(watch.time()).as("woken by the pause").isTrue();
        assertThat(step.runOnce()).isZero();
        clock.advance(Duration.ofMinutes(5));
        assertThat(watch.time()).as("no active schedule: nothing known due").isFalse();
    }

    @ParameterizedTest
    @CsvSource({"SKIP, 1, 10", "RUN_ONCE, 2, 9", "RUN_ALL, 4, 7"})
    void theMisfirePolicyDecidesWhatRunsAfterADowntime(MisfirePolicy policy, int run, int missed) {
        upsert("m", ScheduleSpec.of("* * * * *", "UTC").withMisfire(policy, 3)); // next: T0 + 1 min
        clock.advance(Duration.ofMinutes(11).plusSeconds(30)); // down: 11 occurrences, the last 10 min 30 s ago...now
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        assertThat(firing.runOnce()).isEqualTo(run);
        assertThat(firing.runOnce()).as("a second pass adds nothing").isZero();
        ScheduleRecord s = store.schedule("m").orElseThrow();
        assertThat(s.runs()).isEqualTo(run);
        assertThat(s.misses()).isEqualTo(missed);
        assertThat(s.next()).isEqualTo(T0.plus(Duration.ofMinutes(12)));
        // the one on time (T0 + 11 min, 30 s late) always runs, and the latest missed ones run first
        assertThat(jobs()).last().isEqualTo("m:" + T0.plus(Duration.ofMinutes(11)).toEpochMilli());
    }

    @Test
    void overlapSkipRunsNothingWhileTheLastRunGoesAndAllowRunsAnyway() {
        upsert("skip", ScheduleSpec.of("* * * * *", "UTC").withOverlap(OverlapPolicy.SKIP));
        upsert("allow", ScheduleSpec.of("* * * * *", "UTC").withOverlap(OverlapPolicy.ALLOW));
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).as("skip's first run has not finished").isEqualTo(1);
        assertThat(store.schedule("skip").orElseThrow().overlapSkips()).isEqualTo(1);
        String first = "skip:" + T0.plus(Duration.ofMinutes(1)).toEpochMilli();
        store.inputDone(first, "s", true, new byte[] {1}, (d, in) -> new CoordinatorStore.Ready(new byte[0], false));
        assertThat(store.schedule("skip").orElseThrow().lastOutcome()).isEqualTo("ok");
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).isEqualTo(2);
        assertThat(store.schedule("allow").orElseThrow().runs()).isEqualTo(3);
        assertThat(store.schedule("skip").orElseThrow().runs()).isEqualTo(2);
    }

    @Test
    void aRunWithNoDoneNoticeWithinItsBoundCountsAsLostAndOverlapSkipRunsAgain() {
        // job timeout 10 s x 2 attempts + the 2 min margin: a run not done 140 s after it was fired is lost
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner", "jobTimeout", 10,
                "maxAttempts", 2)), StreamInfo.State.OPEN, T0, null));
        assertThat(RunBound.of(store.stream("s").orElseThrow().properties())).isEqualTo(Duration.ofSeconds(140));
        assertThat(RunBound.of(StreamProperties.DEFAULTS)).as("no job timeout: 1 h an attempt, 3 attempts, + 2 min")
                .isEqualTo(Duration.ofHours(3).plusMinutes(2));
        upsert("skip", ScheduleSpec.of("* * * * *", "UTC").withOverlap(OverlapPolicy.SKIP));
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).isEqualTo(1); // its job vanishes: no done notice ever comes
        String first = "skip:" + T0.plus(Duration.ofMinutes(1)).toEpochMilli();
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).as("60 s: still running as far as anyone knows").isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).as("120 s: within the bound").isZero();
        ScheduleRecord waiting = store.schedule("skip").orElseThrow();
        assertThat(waiting.lost()).isZero();
        assertThat(waiting.lastOutcome()).isEqualTo("running");
        assertThat(waiting.overlapSkips()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(firing.runOnce()).as("180 s: the first run is lost, the occurrence due now runs").isEqualTo(1);
        ScheduleRecord s = store.schedule("skip").orElseThrow();
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.runs()).isEqualTo(2);
        assertThat(s.running()).isEqualTo(1);
        assertThat(s.lastJob()).isEqualTo("skip:" + T0.plus(Duration.ofMinutes(4)).toEpochMilli());
        assertThat(store.scheduleOccurrences("skip")).containsExactly(2, 1);
        assertThat(control(store).all()).singleElement().satisfies(info -> assertThat(info.lost()).isEqualTo(1));
        // a notice that comes after all gives the lost run its real outcome; it stays counted as lost once
        store.inputDone(first, "s", true, new byte[] {1}, (d, in) -> new CoordinatorStore.Ready(new byte[0], false));
        assertThat(store.schedule("skip").orElseThrow().lost()).isEqualTo(1);
        assertThat(store.scheduleOccurrences("skip")).containsExactly(2, 1);
    }

    @Test
    void theLastRunLostShowsAsTheLastOutcome() {
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner", "jobTimeout", 10,
                "maxAttempts", 1)), StreamInfo.State.OPEN, T0, null));
        upsert("daily", ScheduleSpec.of("0 11 * * *", "UTC"));
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        clock.advance(Duration.ofHours(1));
        assertThat(firing.runOnce()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(129));
        firing.runOnce();
        assertThat(store.schedule("daily").orElseThrow().lastOutcome()).isEqualTo("running");
        clock.advance(Duration.ofSeconds(2)); // 131 s > 10 s + 2 min
        firing.runOnce();
        ScheduleRecord s = store.schedule("daily").orElseThrow();
        assertThat(s.lastOutcome()).isEqualTo("lost");
        assertThat(s.lost()).isEqualTo(1);
        assertThat(s.running()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            // a zone moving forward: 02:30 does not exist on 29 March, it runs once at 03:00 CEST
            "Europe/Berlin; 30 2 * * *; 2026-03-27T12:00:00Z; 2026-03-28T01:30:00Z,2026-03-29T01:00:00Z,2026-03-30T00:30:00Z",
            // a zone moving back: 01:30 happens twice on 1 November, it runs once, at the first
            "America/New_York; 30 1 * * *; 2026-10-31T12:00:00Z; 2026-11-01T05:30:00Z,2026-11-02T06:30:00Z,2026-11-03T06:30:00Z",
            // a 30-minute shift forward: 02:15 does not exist on 4 October, it runs once at 02:30
            "Australia/Lord_Howe; 15 2 * * *; 2026-10-02T12:00:00Z; 2026-10-02T15:45:00Z,2026-10-03T15:30:00Z,2026-10-04T15:15:00Z,2026-10-05T15:15:00Z",
            // a 30-minute shift back: 01:45 happens twice on 5 April, it runs once
            "Australia/Lord_Howe; 45 1 * * *; 2026-04-04T00:00:00Z; 2026-04-04T14:45:00Z,2026-04-05T15:15:00Z,2026-04-06T15:15:00Z"})
    void daylightSavingChangesRunEachDailyTimeOnce(String zone, String cron, String start, String expected) {
        clock.advance(Duration.between(clock.instant(), Instant.parse(start)));
        upsert("daily", ScheduleSpec.of(cron, zone));
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        List<String> want = new ArrayList<>();
        for (String at : expected.split(",")) {
            want.add("daily:" + Instant.parse(at).toEpochMilli());
        }
        for (int step = 0; step < 84 * 6; step++) { // three and a half days in 10-minute steps, every pass on time
            clock.advance(Duration.ofMinutes(10));
            firing.runOnce();
        }
        assertThat(jobs()).containsExactlyElementsOf(want.stream().sorted().toList());
        assertThat(store.schedule("daily").orElseThrow().misses()).isZero();
    }

    @Test
    void aScheduleOfAClosedStreamWaitsAndItsMisfirePolicyDecidesOnceItIsOpen() {
        upsert("m", ScheduleSpec.of("* * * * *", "UTC")); // RUN_ONCE
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner")),
                StreamInfo.State.CLOSED, T0, T0));
        ScheduleFiring firing = new ScheduleFiring(store, results, null, clock);
        clock.advance(Duration.ofMinutes(5).plusSeconds(30)); // 10:01 to 10:04 missed by then, 10:05 on time
        assertThat(firing.runOnce()).isZero();
        assertThat(jobs()).isEmpty();
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner")),
                StreamInfo.State.OPEN, T0, null));
        assertThat(firing.runOnce()).as("the latest missed one and the one on time").isEqualTo(2);
        assertThat(store.schedule("m").orElseThrow().misses()).isEqualTo(3);
    }
}
