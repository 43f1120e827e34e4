package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.coordinator.dead.DeadLetterWatch;
import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.dependant.Dependants;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that wait for other jobs, on the coordinator (fake broker, H2, settable clock): a fork_after request is
 * held; nodes' signed done notices count it down; the next pass of PublishDueJobs publishes it, signed, with its
 * inputs' results as its argument; under fail_dependant a failed input sends its client an error result instead.
 */
class JobsThatWaitForJobsTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "installation");
    private final WireCodec wire = WireCodec.standard();
    @TempDir
    Path dir;
    private CoordinatorStore store;
    private Dependants dependants;
    private PublishDueJobs publishDue;

    @BeforeEach
    void setUp() {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
        TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
        declarer.declareShared();
        for (String s : List.of("s", "other")) {
            declarer.declareStream(s, StreamProperties.DEFAULTS);
            declarer.declareResults(s, "c", StreamProperties.DEFAULTS.queueTypeOrClassic());
            store.saveStream(new StreamInfo(s, StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, clock.instant(),
                    null));
        }
        dependants = new Dependants(store, key, (task, ms) -> { });
        DelayedJobs delayed = new DelayedJobs(store, broker, topology, key, clock, (task, ms) -> { }, reason -> { },
                () -> true);
        DueWatch watch = new DueWatch(Lease.monotonic(clock));
        store.onJobsHeld(watch::due); // as the coordinator does: no time passes here, so only hints make a pass look
        publishDue = new PublishDueJobs(delayed, () -> true, watch);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private JobEnvelope job(String id, String stream) {
        return Signatures.signJob(key, JobEnvelope.builder().id(id).stream(stream).client("c").name("sum")
                .function("a.Jobs#sum").code("0".repeat(64)).callback("result").transport(JobEnvelope.AWAITED).build());
    }

    /** What a node sends to the done queue when job {@code id} finished with {@code value} (or failed with it). */
    private FakeDelivery done(String id, String stream, boolean ok, Object value) {
        JobEnvelope finished = Signatures.signResult(key, job(id, stream).startedBy("node", 1)
                .finished(ok ? JobStatus.READY : JobStatus.ERROR, Json.tree(ok ? value : Map.of("error", value))));
        return new FakeDelivery(FakeBroker.message(Json.write(finished), null, id));
    }

    private JobEnvelope published(OutboundMessage m) {
        return Json.read(wire.decode(m.body(), m.contentEncoding()), JobEnvelope.class);
    }

    @Test
    void aFanInOfThreeRunsOnceWithItsInputsResultsInOrderSignedByTheCoordinator() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a", "b", "c"), "fail_dependant"));
        FakeDelivery a = done("a", "s", true, 1);
        dependants.noticed(a);
        dependants.noticed(done("c", "s", true, 3));
        assertThat(publishDue.runOnce()).as("two of three done").isZero();
        dependants.noticed(done("b", "s", true, 2));
        dependants.noticed(done("b", "s", true, 2)); // a redelivered notice

        assertThat(publishDue.runOnce()).isEqualTo(1);
        assertThat(a.state()).isEqualTo(FakeDelivery.State.ACKED);
        List<OutboundMessage> out = broker.publishedTo("");
        assertThat(out).hasSize(1);
        JobEnvelope dependant = published(out.get(0));
        assertThat(dependant.id()).isEqualTo("d");
        assertThat(dependant.status()).isEqualTo(JobStatus.WAITING);
        assertThat(dependant.args()).isEqualTo(Json.tree(List.of(1, 2, 3)));
        assertThat(dependant.awaited()).as("so that a chain's next link hears of it").isTrue();
        assertThat(Signatures.jobIsSigned(key, dependant)).isTrue();
        assertThat(publishDue.runOnce()).as("published once").isZero();
    }

    @Test
    void underFailDependantAFailedInputSendsTheClientOneErrorResultAndNothingRuns() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a", "b"), "fail_dependant"));
        dependants.noticed(done("a", "s", false, "boom"));
        dependants.noticed(done("b", "s", true, 2));
        assertThat(publishDue.runOnce()).isEqualTo(1);
        assertThat(broker.publishedTo("")).as("no job ran").isEmpty();
        List<OutboundMessage> results = broker.publishedTo(topology.resultsExchange("s"));
        assertThat(results).hasSize(1);
        JobEnvelope failed = published(results.get(0));
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.result().path("error").asText()).isEqualTo("input a failed: boom");
        assertThat(Signatures.resultIsSigned(key, failed)).isTrue();
    }

    @Test
    void underPassErrorsTheDependantRunsWithTheErrorInItsInputsPlace() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a", "b"), "pass_errors"));
        dependants.noticed(done("a", "s", false, "boom"));
        dependants.noticed(done("b", "s", true, 2));
        publishDue.runOnce();
        JsonNode args = published(broker.publishedTo("").get(0)).args();
        assertThat(args.get(0).path("error").asText()).isEqualTo("boom");
        assertThat(args.get(1).asInt()).isEqualTo(2);
    }

    /**
     * Job {@code id} (awaited) dead-lettered without a result, as the broker does at a quorum queue's delivery limit:
     * the watch answers its client and sends the done queue the same error, which is then delivered to the counter.
     */
    private void deadLettered(String id, Map<String, Object> headers) {
        JobEnvelope job = job(id, "s");
        Map<String, Object> h = new HashMap<>(headers);
        h.put(Topology.JOB_SIGNATURE_HEADER, job.signature());
        FakeDelivery letter = new FakeDelivery(new InboundMessage("", "", Json.write(job), null,
                h, 0, null, null, id, null, false, null));
        new DeadLetterWatch(broker, topology, key).handle(letter);
        assertThat(letter.state()).isEqualTo(FakeDelivery.State.ACKED);
        for (OutboundMessage m : broker.publishedTo("")) {
            if (m.routingKey().equals(topology.doneQueue()) && published(m).id().equals(id)) {
                dependants.noticed(new FakeDelivery(FakeBroker.asDelivered(m)));
            }
        }
    }

    @Test
    void anInputDeadLetteredWithoutAResultSettlesItsDependantsByTheirPolicy() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a", "b"), "fail_dependant"));
        dependants.forkAfter(new ControlRequest.ForkAfter(job("e", "s"), List.of("a"), "pass_errors"));
        dependants.forkAfter(new ControlRequest.ForkAfter(job("f", "s"), List.of("d"), "fail_dependant")); // after d
        dependants.noticed(done("b", "s", true, 2));
        clock.advance(Duration.ofMinutes(5)); // the input kept its node dying until the broker gave up on it
        deadLettered("a", Map.of("x-first-death-reason", "delivery_limit"));

        assertThat(publishDue.runOnce()).as("d failed, e ready, f failed after d").isEqualTo(3);
        Map<String, JobEnvelope> told = new HashMap<>();
        broker.publishedTo(topology.resultsExchange("s")).forEach(m -> told.put(published(m).id(), published(m)));
        assertThat(told.get("a").result().path("error").asText()).contains("job a was dead-lettered", "delivery limit");
        assertThat(told.get("d").status()).isEqualTo(JobStatus.ERROR);
        assertThat(told.get("d").result().path("error").asText()).startsWith("input a failed: job a was dead-lettered");
        assertThat(told.get("f").result().path("error").asText()).startsWith("input d failed: input a failed");
        assertThat(Signatures.resultIsSigned(key, told.get("d"))).isTrue();
        List<JobEnvelope> ran = broker.publishedTo("").stream().filter(m -> !m.routingKey().equals(topology.doneQueue()))
                .map(this::published).toList();
        assertThat(ran).extracting(JobEnvelope::id).containsExactly("e");
        assertThat(ran.get(0).args().get(0).path("error").asText()).contains("job a was dead-lettered");
        assertThat(store.waitingFor("d")).hasValue(0);
        assertThat(store.waitingFor("e")).hasValue(0);
        assertThat(publishDue.runOnce()).as("each settled once").isZero();
    }

    @Test
    void aDeadLetterWhoseNodeToldTheClientAlreadyIsNotCountedTwice() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a"), "fail_dependant"));
        deadLettered("a", Map.of(Topology.CLIENT_TOLD_HEADER, true)); // the node sent the done notice itself
        assertThat(broker.publishedTo("")).as("nothing sent to the done queue").isEmpty();
        assertThat(store.waitingFor("d")).hasValue(1);
    }

    @Test
    void badRequestsAreRefusedWithAClearErrorAndChangeNothing() {
        dependants.noticed(done("x", "other", true, 1));
        assertThatThrownBy(() -> dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("x"),
                "fail_dependant"))).isInstanceOf(RpcException.class)
                .hasMessageContaining("input x is a job of stream 'other', not of 's'").hasMessageContaining("nothing");
        assertThatThrownBy(() -> dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("d"),
                "fail_dependant"))).isInstanceOf(RpcException.class).hasMessageContaining("cannot wait for itself");
        assertThatThrownBy(() -> dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a"),
                "retry"))).isInstanceOf(RpcException.class).hasMessageContaining("unknown failure policy 'retry'");
        assertThatThrownBy(() -> dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of(),
                "fail_dependant"))).isInstanceOf(RpcException.class).hasMessageContaining("1 to 10000 input job ids");
        JobEnvelope forged = job("d", "s").withSignature(null);
        assertThatThrownBy(() -> dependants.forkAfter(new ControlRequest.ForkAfter(forged, List.of("a"),
                "fail_dependant"))).isInstanceOf(RpcException.class).hasMessageContaining("not signed");
        assertThat(store.waitingFor("d")).isEmpty();
    }

    @Test
    void aNoticeNoNodeSignedIsDroppedAndCountsNothing() {
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a"), "fail_dependant"));
        JobEnvelope unsigned = job("a", "s").startedBy("node", 1).finished(JobStatus.READY, Json.tree(1))
                .withSignature("forged");
        FakeDelivery forged = new FakeDelivery(FakeBroker.message(Json.write(unsigned), null, "a"));
        dependants.noticed(forged);
        assertThat(forged.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(store.waitingFor("d")).hasValue(1);
        assertThat(publishDue.runOnce()).isZero();
    }

    @Test
    void aFailedDependantWhoseClientIsGoneIsDeadLetteredOnceAndReleased() {
        broker.deleteQueue(topology.resultsQueue("s", "c"), false); // the client finished: its queue is gone
        dependants.forkAfter(new ControlRequest.ForkAfter(job("d", "s"), List.of("a"), "fail_dependant"));
        dependants.noticed(done("a", "s", false, "boom"));
        assertThat(publishDue.runOnce()).isEqualTo(1);
        assertThat(broker.publishedTo(topology.deadExchange())).singleElement()
                .satisfies(m -> assertThat(m.messageId()).isEqualTo("d"));
        assertThat(publishDue.runOnce()).as("released, not tried again").isZero();
        assertThat(store.delayedCount("s")).isZero();
    }
}
