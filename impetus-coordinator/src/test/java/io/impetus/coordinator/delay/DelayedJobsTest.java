package io.impetus.coordinator.delay;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.security.Signatures;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.ManualTimer;
import io.impetus.testkit.fake.SettableClock;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delayed jobs on a fake broker, the real H2 store and a settable clock. */
class DelayedJobsTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();
    private final ManualTimer timer = new ManualTimer(clock);
    private CoordinatorStore store;
    private DelayedJobs delayed;

    @BeforeEach
    void setUp(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock); // the database's clock: the test's
        TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
        declarer.declareShared();
        declarer.declareStream("s", StreamProperties.DEFAULTS);
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, clock.instant(), null));
        delayed = new DelayedJobs(store, broker, topology, clock, (task, ms) -> timer.schedule(task, ms));
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static JobEnvelope.Builder job(double delay) {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream("s").client("c").name("f")
                .function("a.B#f").code("0".repeat(64)).delay(delay).status(JobStatus.DELAYED);
    }

    private FakeDelivery hold(JobEnvelope job) {
        FakeDelivery d = new FakeDelivery(FakeBroker.message(Json.write(job), null, job.id()));
        delayed.hold(d);
        return d;
    }

    @Test
    void aJobIsHeldUntilDueThenPublishedOnceAndReleased() {
        FakeDelivery d = hold(job(5).build());
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        clock.advance(Duration.ofSeconds(4));
        assertThat(delayed.runOnce()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1);
        assertThat(broker.publishedTo("")).hasSize(1);
        assertThat(store.delayedCount("s")).isZero();
        assertThat(delayed.runOnce()).isZero();
    }

    @Test
    void aHoldDeliveredAgainAfterItsJobWentOutIsNotHeldOrPublishedAgain() {
        JobEnvelope job = job(1).build();
        hold(job); // its ack did not reach the broker (the holder paused): the broker gives the message again later
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1);
        assertThat(store.delayedCount("s")).isZero();

        FakeDelivery again = new FakeDelivery(new InboundMessage("", "", Json.write(job), null, Map.of(), 0, null, null,
                job.id(), null, true, null)); // the broker marks it redelivered
        delayed.hold(again);

        assertThat(again.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(store.delayedCount("s")).as("not held a second time").isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(delayed.runOnce()).isZero();
        assertThat(broker.publishedTo("")).as("published once").hasSize(1);

        hold(job); // sent again by its client (its stream's jobs queue was deleted with it): a new message, held
        assertThat(store.delayedCount("s")).as("a client's resend is held").isEqualTo(1);
    }

    @Test
    void aClientsResendGivenBackByAFencedCoordinatorIsHeldAgain() {
        JobEnvelope job = job(1).build();
        hold(job);
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1);

        // its stream's jobs queue went with the job: the client sends it again, marked; a coordinator that had lost
        // its lease rejected it back to the queue, so this one gets it redelivered
        FakeDelivery resent = new FakeDelivery(new InboundMessage("", "", Json.write(job), null,
                Map.of(Topology.RESEND_HEADER, "1"), 0, null, null, job.id(), null, true, null));
        delayed.hold(resent);

        assertThat(resent.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(store.delayedCount("s")).as("held again, not dropped as a lost ack's repeat").isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1);
        assertThat(broker.publishedTo("")).as("published again").hasSize(2);
    }

    @Test
    void theRecentlyReleasedKeepTheLatestOnly() {
        RecentlyReleased recent = new RecentlyReleased(2);
        recent.add("a");
        recent.add("b");
        recent.add("c");
        assertThat(recent.contains("a")).isFalse();
        assertThat(recent.contains("b")).isTrue();
        assertThat(recent.contains("c")).isTrue();
    }

    @Test
    void aJobWhoseConfirmReleasesItWhileAPassClaimsIsNotPublishedAgain() {
        AtomicBoolean confirmDuringClaim = new AtomicBoolean();
        // the store as a pass sees it: its claim reads the job's row, then (when asked) the confirm comes in
        CoordinatorStore racing = (CoordinatorStore) Proxy.newProxyInstance(
                CoordinatorStore.class.getClassLoader(), new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    Object result = method.invoke(store, args);
                    if (method.getName().equals("claimDueJobs") && confirmDuringClaim.get()) {
                        broker.confirmHeld();
                    }
                    return result;
                });
        delayed = new DelayedJobs(racing, broker, topology, clock, (task, ms) -> timer.schedule(task, ms));
        broker.holdConfirms(true);
        hold(job(1).build());
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1); // published; its confirm not yet in
        confirmDuringClaim.set(true);
        assertThat(delayed.runOnce()).isZero();
        assertThat(broker.publishedTo("")).as("published once").hasSize(1);
        assertThat(store.delayedCount("s")).isZero();
        assertThat(delayed.runOnce()).isZero();
    }

    @Test
    void hostileDelayedJobsAreDeadLetteredAndNeverBlockTheJobsDueAfterThem() {
        FakeDelivery huge = hold(job(1e300).build());
        FakeDelivery longId = hold(job(1).id("x".repeat(150)).build());
        FakeDelivery space = hold(job(1).stream("has space").build());
        FakeDelivery garbage = new FakeDelivery(FakeBroker.message("{]".getBytes(), null, "g"));
        delayed.hold(garbage);
        for (FakeDelivery d : new FakeDelivery[] {huge, longId, space, garbage}) {
            assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        }
        assertThat(broker.publishedTo(topology.deadExchange())).hasSize(4)
                .allSatisfy(m -> assertThat(m.headers()).containsKey(Topology.REASON_HEADER));

        hold(job(1).build());
        clock.advance(Duration.ofSeconds(1));
        assertThat(delayed.runOnce()).isEqualTo(1);
        assertThat(broker.publishedTo("")).hasSize(1);
    }

    @Test
    void aStoreFailureGivesTheDeliveryBackAfterAPause() {
        store.close();
        FakeDelivery d = hold(job(1).build());
        assertThat(d.settled()).isFalse();
        timer.advance(Duration.ofSeconds(1));
        assertThat(d.state()).isEqualTo(FakeDelivery.State.REQUEUED);
    }

    @Test
    void aDueJobOfAClosedAndRemovedStreamIsDeadLetteredNotRetriedForEver() {
        hold(job(1).build());
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.CLOSED, clock.instant(),
                clock.instant()));
        broker.deleteQueue(topology.jobsQueue("s"), false);
        clock.advance(Duration.ofSeconds(1));
        delayed.runOnce();
        assertThat(store.delayedCount("s")).isZero();
        assertThat(broker.publishedTo(topology.deadExchange())).hasSize(1);
        assertThat(broker.publishedTo(topology.deadExchange()).get(0).headers().get(Topology.REASON_HEADER).toString())
                .contains("closed");
    }

    @Test
    void aDueJobOfAnOpenStreamWhoseQueueWasDeletedDeclaresItAgainAndGoesOut() {
        hold(job(1).build());
        broker.deleteQueue(topology.jobsQueue("s"), false);
        clock.advance(Duration.ofSeconds(1));
        delayed.runOnce();
        assertThat(broker.hasQueue(topology.jobsQueue("s"))).isTrue();
        delayed.runOnce();
        assertThat(broker.publishedTo("")).hasSize(1);
        assertThat(store.delayedCount("s")).isZero();
    }

    @Test
    void whereTheInstallationSignsAnUnsignedOrChangedDelayedJobIsDeadLetteredNotHeld() {
        SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
        DelayedJobs signing = new DelayedJobs(store, broker, topology, key, clock, (task, ms) -> timer.schedule(task, ms),
                reason -> { }, () -> true);
        JobEnvelope signed = Signatures.signJob(key, job(60).build());
        FakeDelivery unsigned = new FakeDelivery(FakeBroker.message(Json.write(job(60).build()), null, "u"));
        com.fasterxml.jackson.databind.node.ObjectNode later = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(signed);
        later.put("delay", 3600.0); // its delay changed after its client signed it
        FakeDelivery changed = new FakeDelivery(FakeBroker.message(Json.write(later), null, "c"));
        FakeDelivery good = new FakeDelivery(FakeBroker.message(Json.write(signed), null, signed.id()));
        signing.hold(unsigned);
        signing.hold(changed);
        signing.hold(good);

        assertThat(store.delayedCount("s")).as("only the job its client signed is held").isEqualTo(1);
        List<String> reasons = broker.publishedTo(topology.deadExchange()).stream()
                .map(m -> m.headers().get(Topology.REASON_HEADER).toString()).toList();
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0)).contains("is not signed");
        assertThat(reasons.get(1)).contains("changed after it was signed");
        assertThat(List.of(unsigned.state(), changed.state(), good.state())).containsOnly(FakeDelivery.State.ACKED);
    }
}
