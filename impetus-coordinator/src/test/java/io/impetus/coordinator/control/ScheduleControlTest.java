package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.schedule.ScheduleFiring;
import io.impetus.coordinator.schedule.ScheduleResults;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.ScheduleRecord;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.CodecException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobMessages;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code schedules} control call: bad input refused with what is wrong and nothing changed, the creator rule, each action. */
class ScheduleControlTest {
    static final Instant T0 = Instant.parse("2026-12-07T10:00:30Z");
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock(T0);
    private final ScheduleResults results = new ScheduleResults(broker, topology);
    @TempDir
    Path dir;
    private CoordinatorStore store;
    private ScheduleControl control;

    @BeforeEach
    void open() {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
        new TopologyDeclarer(broker, topology).declareStream("s", StreamProperties.DEFAULTS);
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of("creator", "owner")),
                StreamInfo.State.OPEN, T0, null));
        control = new ScheduleControl(store, new ScheduleFiring(store, results, null, clock), results, null, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JobEnvelope template() {
        return template("s");
    }

    private static JobEnvelope template(String stream) {
        return JobEnvelope.builder().id("template").stream(stream).client("owner").name("report").function("a.B#report")
                .code("0".repeat(64)).status(JobStatus.WAITING).build();
    }

    private Object call(String action, String id, ScheduleSpec spec, String client) {
        return control.answer(new ControlRequest.Schedules(action, id, "s", spec, template(), client, 0), Caller.ANYONE);
    }

    private static AbstractThrowableAssert<?, ?> refused(Runnable call, RpcError.Code code) {
        return assertThatThrownBy(call::run).isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).error().code()).isEqualTo(code));
    }

    @Test
    void badInputIsRefusedSayingWhatIsWrongAndChangesNothing() {
        refused(() -> call("upsert", "r", ScheduleSpec.of("0 */5 * * * *", "UTC"), "owner"), RpcError.Code.BAD_REQUEST)
                .hasMessageContaining("has 6 fields").hasMessageContaining("nothing was changed");
        refused(() -> call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "Europe/Atlantis"), "owner"),
                RpcError.Code.BAD_REQUEST).hasMessageContaining("unknown time zone 'Europe/Atlantis'");
        refused(() -> call("upsert", "bad id!", ScheduleSpec.of("*/5 * * * *", "UTC"), "owner"), RpcError.Code.BAD_REQUEST)
                .hasMessageContaining("schedule id 'bad id!' is not valid");
        refused(() -> call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "UTC"), "intruder"), RpcError.Code.FORBIDDEN)
                .hasMessageContaining("only it or the admin");
        refused(() -> call("pause", "nope", null, "owner"), RpcError.Code.BAD_REQUEST).hasMessageContaining("no schedule 'nope'");
        refused(() -> call("explode", "nope", null, "owner"), RpcError.Code.BAD_REQUEST);
        assertThat(store.schedules()).isEmpty();
        assertThat(broker.hasQueue(results.queue("s", "r"))).isFalse();
    }

    @Test
    void everyRefusalOfAnUpsertOrAnActionLeavesTheStoreAndTheBrokerAsTheyWere() {
        call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "UTC"), "owner");
        ScheduleInfo before = (ScheduleInfo) call("show", "r", null, "owner");
        // a stream that does not exist, one that is closed, one the caller did not create
        refused(() -> control.answer(new ControlRequest.Schedules("upsert", "x", "nowhere",
                ScheduleSpec.of("*/5 * * * *", "UTC"), template("nowhere"), "owner", 0),
                Caller.ANYONE), RpcError.Code.UNKNOWN_STREAM).hasMessageContaining("no stream 'nowhere'");
        store.saveStream(new StreamInfo("shut", StreamProperties.fromMap(Map.of("creator", "owner")),
                StreamInfo.State.CLOSED, clock.instant(), clock.instant()));
        refused(() -> control.answer(new ControlRequest.Schedules("upsert", "x", "shut",
                ScheduleSpec.of("*/5 * * * *", "UTC"), template("shut"), "owner", 0),
                Caller.ANYONE), RpcError.Code.STREAM_CLOSED).hasMessageContaining("'shut' is closed");
        refused(() -> call("upsert", "r", ScheduleSpec.of("* * * * *", "UTC"), "intruder"), RpcError.Code.FORBIDDEN);
        // six fields without the seconds flag, an unknown zone, over an existing schedule: it stays as it was
        refused(() -> call("upsert", "r", ScheduleSpec.of("*/5 * * * * *", "UTC"), "owner"), RpcError.Code.BAD_REQUEST)
                .hasMessageContaining("--seconds");
        refused(() -> call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "Mars/Olympus"), "owner"),
                RpcError.Code.BAD_REQUEST).hasMessageContaining("Mars/Olympus");
        // every action on an unknown schedule, and a bad id
        for (String action : List.of("show", "pause", "resume", "trigger", "delete", "results")) {
            refused(() -> call(action, "nope", null, "owner"), RpcError.Code.BAD_REQUEST)
                    .hasMessageContaining("no schedule 'nope'");
            refused(() -> call(action, "../etc", null, "owner"), RpcError.Code.BAD_REQUEST)
                    .hasMessageContaining("schedule id '../etc' is not valid");
        }
        assertThat(store.schedules()).extracting(ScheduleRecord::id).containsExactly("r");
        assertThat((ScheduleInfo) call("show", "r", null, "owner")).isEqualTo(before);
        assertThat(store.claimDueJobs(10)).as("nothing fired").isEmpty();
        assertThat(broker.hasQueue(results.queue("nowhere", "x"))).isFalse();
        assertThat(broker.hasQueue(results.queue("shut", "x"))).isFalse();
    }

    @Test
    void aMisfireCapBelowOneInAControlRequestIsABadRequestWhenItIsRead() {
        String json = new String(Json.write(new ControlRequest.Schedules("upsert", "r", "s",
                ScheduleSpec.of("* * * * *", "UTC").withMisfire(MisfirePolicy.RUN_ALL, 5), template(), "owner", 0)),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"catchUpCap\":5");
        byte[] bad = json.replace("\"catchUpCap\":5", "\"catchUpCap\":-1").getBytes(StandardCharsets.UTF_8);
        // a CodecException is answered BAD_REQUEST with its message (ControlAnswers); 0 on the wire means the default
        assertThatThrownBy(() -> Json.read(bad, ControlRequest.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining("catchUpCap must be 1 to");
        assertThatThrownBy(() -> ScheduleSpec.of("* * * * *", "UTC").withMisfire(MisfirePolicy.RUN_ALL, -3))
                .hasMessageContaining("catchUpCap must be 1 to");
    }

    @Test
    void theCreatorSchedulesPausesResumesTriggersAndDeletesAndOthersMayOnlyLook() {
        ScheduleInfo made = (ScheduleInfo) call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "Europe/Berlin"), "owner");
        assertThat(made.next()).isEqualTo(Instant.parse("2026-12-07T10:05:00Z"));
        assertThat(made.resultsQueue()).isEqualTo("t.stream.s.results.schedule.r");
        assertThat(broker.arguments(made.resultsQueue())).containsEntry("x-max-length", 1000)
                .containsEntry("x-message-ttl", 86_400_000L);
        // the same upsert again keeps the next occurrence; a stranger may list and show but not change
        clock.advance(Duration.ofMinutes(3));
        assertThat(((ScheduleInfo) call("upsert", "r", ScheduleSpec.of("*/5 * * * *", "Europe/Berlin"), "owner")).next())
                .isEqualTo(made.next());
        assertThat((List<?>) call("list", null, null, "stranger")).hasSize(1);
        assertThat(((ScheduleInfo) call("show", "r", null, "stranger")).id()).isEqualTo("r");
        refused(() -> call("trigger", "r", null, "stranger"), RpcError.Code.FORBIDDEN);
        refused(() -> call("delete", "r", null, "stranger"), RpcError.Code.FORBIDDEN);
        refused(() -> call("results", "r", null, "stranger"), RpcError.Code.FORBIDDEN);
        assertThat(((ScheduleInfo) call("pause", "r", null, "owner")).paused()).isTrue();
        assertThat(((ScheduleInfo) control.answer(new ControlRequest.Schedules("resume", "r", null, null, null, null, 0),
                Caller.ADMIN)).paused()).as("the admin may").isFalse();
        ScheduleInfo triggered = (ScheduleInfo) call("trigger", "r", null, "owner");
        assertThat(triggered.runs()).isEqualTo(1);
        assertThat(triggered.lastJob()).isEqualTo("r:" + clock.instant().toEpochMilli());
        JobEnvelope job = Json.read(store.claimDueJobs(10).get(0).body(), JobEnvelope.class);
        assertThat(job.client()).isEqualTo("schedule.r");
        assertThat(job.awaited()).isTrue();
        assertThat(job.created()).isEqualTo(clock.instant());

        // its result, routed to the schedule's results queue, is read and left there
        JobEnvelope done = job.startedBy("n1", 1).finished(JobStatus.READY, Json.tree(42));
        broker.publish(JobMessages.single(OutboundMessage.to(topology.resultsExchange("s"), "schedule.r"), done,
                WireCodec.standard()).build()).join();
        @SuppressWarnings("unchecked")
        List<ScheduleResult> read = (List<ScheduleResult>) call("results", "r", null, "owner");
        assertThat(read).singleElement().satisfies(r -> {
            assertThat(r.job()).isEqualTo(job.id());
            assertThat(r.result().asInt()).isEqualTo(42);
            assertThat(r.status()).isEqualTo("ready");
        });
        assertThat((List<?>) call("results", "r", null, "owner")).hasSize(1);

        call("delete", "r", null, "owner");
        assertThat(store.schedules()).isEmpty();
        assertThat(broker.hasQueue(made.resultsQueue())).isFalse();
    }
}
