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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active coordinator paused (SIGSTOP) for four times its lease while delayed jobs fall due: the
 * standby takes over and publishes them, and the paused one, on waking, publishes none of them and
 * stands by (two coordinators on one store, fake brokers, one settable clock for all).
 */
class PausedCoordinatorTest {
    private static final int JOBS = 40;
    private final Topology topology = new Topology("t");
    private final SettableClock clock = new SettableClock();
    private CoordinatorStore store;

    /** One coordinator: its broker, its lease, its delayed jobs through the fenced store. */
    private final class Part {
        final FakeBroker broker = new FakeBroker();
        final AtomicInteger stoodBy = new AtomicInteger();
        final Lease lease;
        final DelayedJobs delayed;

        Part(String name, Function<CoordinatorStore, CoordinatorStore> wrap) {
            TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
            declarer.declareShared();
            declarer.declareStream("s", StreamProperties.DEFAULTS);
            lease = new Lease(store, clock, name, () -> true, () -> { }, stoodBy::incrementAndGet);
            CoordinatorStore fenced = wrap.apply(store.fenced(Lease.NAME, lease::epoch, lease::fenced));
            delayed = new DelayedJobs(fenced, broker, topology, null, clock, (task, ms) -> { }, reason -> { }, lease::active);
        }

        List<String> published() {
            List<String> ids = new ArrayList<>();
            for (OutboundMessage m : broker.publishedTo("")) {
                ids.add(m.messageId());
            }
            return ids;
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

    private static void holdJobs(Part active) {
        for (int i = 0; i < JOBS; i++) {
            JobEnvelope job = JobEnvelope.builder().id("job-" + i).stream("s").client("c").name("f").function("a.B#f")
                    .code("0".repeat(64)).delay(2).status(JobStatus.DELAYED).build();
            FakeDelivery d = new FakeDelivery(FakeBroker.message(Json.write(job), null, job.id()));
            active.delayed.hold(d);
            assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        }
    }

    /** The pause: four leases pass; the standby renews, takes over and publishes what is due. */
    private void pauseFourLeases(Part standby) {
        clock.advance(Lease.TTL.multipliedBy(4));
        standby.lease.keep();
        assertThat(standby.lease.active()).isTrue();
        standby.delayed.runOnce();
    }

    @Test
    void pausedBetweenTwoPassesItPublishesNoneOnWakingAndStandsBy() {
        Part a = new Part("a", s -> s);
        Part b = new Part("b", s -> s);
        a.lease.keep();
        b.lease.keep();
        holdJobs(a);
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.delayed.runOnce()).as("none due yet").isZero();

        pauseFourLeases(b);
        // a wakes inside the pass its timer had begun (it had checked it was active just before the pause)
        assertThat(a.delayed.runOnce()).isZero();
        assertThat(a.lease.active()).isFalse();
        assertThat(a.stoodBy).as("fenced: it stood by").hasValue(1);
        a.lease.keep();
        assertThat(a.lease.active()).isFalse();

        assertThat(a.published()).isEmpty();
        assertThat(b.published()).hasSize(JOBS).doesNotHaveDuplicates();
        assertThat(store.delayedCount("s")).isZero();
    }

    @Test
    void pausedBetweenClaimingDueJobsAndPublishingThemItPublishesNone() {
        Part[] parts = new Part[2];
        Part a = new Part("a", fenced -> afterClaim(fenced, () -> pauseFourLeases(parts[1])));
        Part b = new Part("b", s -> s);
        parts[1] = b;
        a.lease.keep();
        b.lease.keep();
        holdJobs(a);
        clock.advance(Duration.ofSeconds(2));
        a.lease.keep();
        assertThat(a.delayed.runOnce()).as("claimed, then paused: its lease ran out before it published").isZero();

        assertThat(a.published()).isEmpty();
        assertThat(b.published()).hasSize(JOBS).doesNotHaveDuplicates();
        assertThat(store.delayedCount("s")).isZero();
    }

    @Test
    void withTheirDueWatchesTheWokenOnePublishesNoneAndTheNewHolderFindsEveryJobItWasNeverToldOf() {
        Part[] parts = new Part[2];
        Part a = new Part("a", fenced -> afterClaim(fenced, () -> {
            if (parts[1] != null && !parts[1].lease.active()) {
                pauseFourLeases(parts[1]); // paused between its first claim and its publishes
            }
        }));
        Part b = new Part("b", s -> s);
        DueWatch aWatch = new DueWatch(Lease.monotonic(clock));
        store.onJobsHeld(aWatch::due); // the hints of a's holds reach a only, as in two processes
        PublishDueJobs aStep = new PublishDueJobs(a.delayed, a.lease::active, aWatch);
        PublishDueJobs bStep = new PublishDueJobs(b.delayed, b.lease::active, new DueWatch(Lease.monotonic(clock)));
        a.lease.keep();
        b.lease.keep();
        assertThat(aStep.runOnce()).isZero();
        assertThat(bStep.runOnce()).as("standby").isZero();
        holdJobs(a);
        parts[1] = b;
        clock.advance(Duration.ofSeconds(2)); // due; a renewed meanwhile
        a.lease.keep();
        assertThat(aStep.runOnce()).as("claimed, then paused: its lease ran out before it published").isZero();
        assertThat(b.published()).as("the pause's take-over: b's claim").hasSize(JOBS);
        for (int pass = 0; pass < 20; pass++) {
            clock.advance(PublishDueJobs.EVERY);
            b.lease.keep();
            aStep.runOnce();
            bStep.runOnce();
        }
        assertThat(a.published()).isEmpty();
        assertThat(b.published()).hasSize(JOBS).doesNotHaveDuplicates();
        assertThat(store.delayedCount("s")).isZero();
    }

    /** {@code store}, running {@code pause} right after a claim of due jobs returns. */
    private static CoordinatorStore afterClaim(CoordinatorStore store, Runnable pause) {
        return (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("claimDueJobs")) {
                        pause.run();
                    }
                    return result;
                });
    }
}
