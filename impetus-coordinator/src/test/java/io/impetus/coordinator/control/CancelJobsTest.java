package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cancel_jobs: only the stream's creator or the admin; a bad request changes nothing; the nodes are told. */
class CancelJobsTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T01:02:03.123456789Z"));
    private final List<JobCancel> announced = new ArrayList<>();
    private final NodeRegistry nodes = new NodeRegistry(clock);

    private ControlHandler handler(CoordinatorStore store) {
        ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                nodes, clock, (k, s) -> { });
        h.onCancel(announced::add);
        h.handle(new ControlRequest.CreateStream("s", Map.of(), "alice"), new Caller("u-alice", false));
        h.handle(new ControlRequest.CreateStream("other", Map.of(), "alice"), new Caller("u-alice", false));
        store.holdJob("job-1", "s", Duration.ofHours(1), 0, new byte[] {1}); // a delayed job the coordinator holds
        return h;
    }

    /** A node's heartbeat listing {@code jobId} of {@code stream} as running. */
    private void running(String jobId, String stream) {
        nodes.heard(new NodeStatus("n1", "h", 1, 2, Map.of(), clock.instant(), clock.instant(), false, false,
                clock.instant(), false, List.of(new JobUpdate(jobId, stream, "alice", "f", "n1", 7L, null, null, null,
                clock.instant()))));
    }

    @Test
    void theCreatorCancelsAJobAndTheNodesAreToldAndLaterNodesCanListIt(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = handler(store);
            Object reply = h.handle(new ControlRequest.CancelJobs("s", "job-1", "alice"), new Caller("u-alice", false));
            // its time to the millisecond, as nodes hear it and the store keeps it
            JobCancel expected = new JobCancel("s", "job-1", Instant.parse("2026-12-07T01:02:03.123Z"),
                    "client alice");
            assertThat(reply).isEqualTo(expected);
            assertThat(announced).containsExactly(expected);
            assertThat(h.handle(new ControlRequest.ListCancels())).isEqualTo(List.of(expected));
        }
    }

    @Test
    void anotherClientOrBrokerUserIsRefusedAndNothingIsAnnounced(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = handler(store);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", "job-1", "bob"), new Caller("u-bob", false)))
                    .isInstanceOf(RpcException.class).hasMessageContaining("created by client alice")
                    .hasMessageContaining("only it or the admin may cancel jobs of it");
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", null, "alice"), new Caller("u-bob", false)))
                    .isInstanceOf(RpcException.class).satisfies(e -> assertThat(((RpcException) e).code())
                            .isEqualTo(RpcError.Code.FORBIDDEN));
            assertThat(announced).isEmpty();
            assertThat(h.cancels().recent()).isEmpty();
            h.handle(new ControlRequest.CancelJobs("s", null, null), Caller.ADMIN);
            assertThat(announced).singleElement().satisfies(c -> {
                assertThat(c.job()).isNull();
                assertThat(c.by()).isEqualTo("the admin");
            });
        }
    }

    @Test
    void aCancelOfAnUnknownStreamOrAMalformedJobIdGetsAClearErrorAndChangesNothing(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = handler(store);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("nope", "job-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class).hasMessageContaining("no stream 'nope'")
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.UNKNOWN_STREAM));
            for (String bad : new String[] {"", " ", "a\nb", "x".repeat(201)}) {
                assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", bad, "alice"), Caller.ADMIN))
                        .as(bad).isInstanceOf(RpcException.class).hasMessageContaining("a job id is 1 to 200")
                        .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.BAD_REQUEST));
            }
            for (String bad : new String[] {"a b", "x/y", "x".repeat(101)}) { // never a job's id: refused even vouched
                assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", bad, "alice", true), Caller.ADMIN))
                        .as(bad).isInstanceOf(RpcException.class).hasMessageContaining("is not valid")
                        .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.BAD_REQUEST));
            }
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs(null, "job-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class);
            assertThat(announced).isEmpty();
            assertThat(h.cancels().recent()).isEmpty();
        }
    }

    @Test
    void aCancelOfAJobTheCoordinatorDoesNotSeeInTheStreamIsRefusedAndChangesNothing(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = handler(store);
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", "no-such-job", "alice"),
                    new Caller("u-alice", false))).isInstanceOf(RpcException.class)
                    .hasMessageContaining("no job no-such-job is running, delayed or waiting for other jobs in stream 's'")
                    .hasMessageContaining("--queued").hasMessageContaining("nothing was cancelled")
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.UNKNOWN_JOB));
            // a delayed job of another stream, a running job of another stream
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("other", "job-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class).hasMessageContaining("job job-1 is not a job of stream 'other'")
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.UNKNOWN_JOB));
            running("run-1", "other");
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", "run-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class).hasMessageContaining("not a job of stream 's'");
            // a job others wait for whose result is recorded has ended
            store.inputDone("awaited-1", "s", true, new byte[] {1}, (d, in) -> {
                throw new AssertionError("no dependant waits");
            });
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs("s", "awaited-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class).hasMessageContaining("has already ended");
            assertThat(announced).isEmpty();
            assertThat(h.cancels().recent()).isEmpty();

            // what the coordinator sees in the stream is cancelled, and so is an unseen job its caller vouches for
            running("run-2", "s");
            h.handle(new ControlRequest.CancelJobs("s", "run-2", null), Caller.ADMIN);
            h.handle(new ControlRequest.CancelJobs("s", "job-1", "alice"), new Caller("u-alice", false));
            h.handle(new ControlRequest.CancelJobs("s", "queued-1", "alice", true), new Caller("u-alice", false));
            assertThat(announced).extracting(JobCancel::job).containsExactly("run-2", "job-1", "queued-1");
        }
    }

    @Test
    void theListKeepsTheNewestCancelsForADayEachOnce(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            CancelList list = new CancelList(store, clock, 2, Duration.ofHours(24));
            JobCancel a = new JobCancel("s", "a", clock.instant().truncatedTo(ChronoUnit.MILLIS), "the admin");
            JobCancel b = new JobCancel("s", "b", clock.instant().truncatedTo(ChronoUnit.MILLIS), "the admin");
            list.add(a);
            list.add(b);
            list.add(b);
            // the copy heard back from the events exchange: its time to the millisecond, the same cancel
            list.add(Json.read(Json.write(b), JobCancel.class));
            assertThat(list.recent()).containsExactly(a, b);
            clock.advance(Duration.ofHours(1));
            JobCancel c = new JobCancel("s", "c", clock.instant().truncatedTo(ChronoUnit.MILLIS), "the admin");
            list.add(c);
            assertThat(list.recent()).as("the newest two").containsExactly(b, c);
            clock.advance(Duration.ofHours(23).plusSeconds(1));
            assertThat(list.recent()).as("a day old: no longer listed").containsExactly(c);
        }
    }
}
