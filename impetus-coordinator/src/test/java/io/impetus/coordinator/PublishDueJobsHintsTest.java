package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PublishDueJobs with its DueWatch: an idle coordinator reads the store once a quiet period and claims nothing; a
 * held job wakes it; the earliest due time stays right after a claim; a new lease holder reads the store at once
 * (H2 store, fake broker, settable clock; the store's calls counted).
 */
class PublishDueJobsHintsTest {
    private static final Duration PASS = PublishDueJobs.EVERY;
    private final Topology topology = new Topology("t");
    private final SettableClock clock = new SettableClock();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private CoordinatorStore store;

    /** One coordinator's due-jobs step: its broker, its watch, the store's calls counted. */
    private final class Step {
        final FakeBroker broker = new FakeBroker();
        final AtomicBoolean active = new AtomicBoolean(true);
        final DueWatch watch = new DueWatch(Lease.monotonic(clock));
        final DelayedJobs delayed;
        final PublishDueJobs step;

        Step() {
            TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
            declarer.declareShared();
            declarer.declareStream("s", StreamProperties.DEFAULTS);
            delayed = new DelayedJobs(counted(store), broker, topology, null, clock, (task, ms) -> { }, reason -> { },
                    active::get);
            step = new PublishDueJobs(delayed, active::get, watch);
        }

        void hold(String id, Duration delay) {
            JobEnvelope job = JobEnvelope.builder().id(id).stream("s").client("c").name("f").function("a.B#f")
                    .code("0".repeat(64)).delay(delay.toMillis() / 1000.0).status(JobStatus.DELAYED).build();
            FakeDelivery d = new FakeDelivery(FakeBroker.message(Json.write(job), null, job.id()));
            delayed.hold(d);
            assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        }

        List<String> published() {
            return broker.publishedTo("").stream().map(OutboundMessage::messageId).toList();
        }

        /** Runs the step's passes for {@code time}, one each {@link #PASS}. */
        void passes(Duration time) {
            for (long t = 0; t < time.toMillis(); t += PASS.toMillis()) {
                clock.advance(PASS);
                step.runOnce();
            }
        }
    }

    @BeforeEach
    void open(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, clock.instant(), null));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CoordinatorStore counted(CoordinatorStore of) {
        return (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(of, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    @Test
    void idleItReadsTheStoreOnceAQuietPeriodAndClaimsNothing() {
        Step a = new Step();
        a.passes(Duration.ofSeconds(10)); // 100 passes
        assertThat(calls("claimDueJobs")).as("no fenced claim while nothing is due").isZero();
        assertThat(calls("nextDueIn")).as("one read a second (and the first pass)").isBetween(10, 11);
    }

    @Test
    void aHeldJobWakesItAtItsDueTimeNotAtTheNextQuietLook() {
        Step a = new Step();
        store.onJobsHeld(a.watch::due);
        a.passes(Duration.ofMillis(500));
        a.hold("j", Duration.ofMillis(300)); // due at 0.8 s; the next quiet look would be at about 1.1 s
        a.passes(Duration.ofMillis(200));
        assertThat(a.published()).isEmpty();
        a.passes(Duration.ofMillis(100));
        assertThat(a.published()).containsExactly("j");
        a.passes(Duration.ofSeconds(3));
        assertThat(a.published()).as("confirmed and released: once").containsExactly("j");
    }

    @Test
    void theEarliestDueTimeStaysRightAfterAClaim() {
        Step a = new Step();
        store.onJobsHeld(a.watch::due);
        a.hold("late", Duration.ofSeconds(3));
        a.hold("early", Duration.ofMillis(400)); // a hint sooner than the one before
        a.passes(Duration.ofMillis(400));
        assertThat(a.published()).containsExactly("early");
        int claims = calls("claimDueJobs");
        a.passes(Duration.ofMillis(2500)); // reads a second, claims nothing: "late" is still 100 ms off
        assertThat(a.published()).containsExactly("early");
        assertThat(calls("claimDueJobs")).as("no claim before the next due time").isEqualTo(claims);
        a.passes(Duration.ofMillis(100));
        assertThat(a.published()).containsExactly("early", "late");
    }

    @Test
    void aNewLeaseHolderReadsTheStoreAtOnceAndFindsJobsItWasNeverToldOf() {
        Step a = new Step();
        Step b = new Step();
        b.active.set(false);
        store.onJobsHeld(a.watch::due); // only a hears of the jobs a holds
        a.passes(Duration.ofMillis(200));
        b.passes(Duration.ofMillis(200));
        a.hold("due-at-failover", Duration.ofMillis(500));
        a.hold("due-after", Duration.ofMillis(1300));
        a.active.set(false); // a loses the lease (paused, cut off): b takes it over
        b.active.set(true);
        clock.advance(Duration.ofMillis(700));
        b.step.runOnce();
        assertThat(b.published()).as("its first pass as holder reads the store").containsExactly("due-at-failover");
        b.passes(Duration.ofMillis(500));
        assertThat(b.published()).containsExactly("due-at-failover");
        b.passes(Duration.ofMillis(100)); // 600 ms after it took over: found by the due time its read saw, no hint
        assertThat(b.published()).containsExactly("due-at-failover", "due-after");
        assertThat(a.published()).isEmpty();
    }
}
