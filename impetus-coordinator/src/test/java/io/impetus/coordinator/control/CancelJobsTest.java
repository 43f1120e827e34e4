package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cancel_jobs: only the stream's creator or the admin; a bad request changes nothing; the nodes are told. */
class CancelJobsTest {
    private final SettableClock clock = new SettableClock();
    private final List<JobCancel> announced = new ArrayList<>();

    private ControlHandler handler(CoordinatorStore store) {
        ControlHandler h = new ControlHandler(store, new StreamTopology(new FakeBroker(), new Topology("t")),
                new NodeRegistry(clock), clock, (k, s) -> { });
        h.onCancel(announced::add);
        h.handle(new ControlRequest.CreateStream("s", Map.of(), "alice"), new Caller("u-alice", false));
        return h;
    }

    @Test
    void theCreatorCancelsAJobAndTheNodesAreToldAndLaterNodesCanListIt(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            ControlHandler h = handler(store);
            Object reply = h.handle(new ControlRequest.CancelJobs("s", "job-1", "alice"), new Caller("u-alice", false));
            JobCancel expected = new JobCancel("s", "job-1", clock.instant(), "client alice");
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
            assertThatThrownBy(() -> h.handle(new ControlRequest.CancelJobs(null, "job-1", "alice"), Caller.ADMIN))
                    .isInstanceOf(RpcException.class);
            assertThat(announced).isEmpty();
            assertThat(h.cancels().recent()).isEmpty();
        }
    }

    @Test
    void theListKeepsTheNewestCancelsForADay() {
        CancelList list = new CancelList(clock, 2, Duration.ofHours(24));
        JobCancel a = new JobCancel("s", "a", clock.instant(), "the admin");
        JobCancel b = new JobCancel("s", "b", clock.instant(), "the admin");
        list.add(a);
        list.add(b);
        list.add(b);
        assertThat(list.recent()).containsExactly(a, b);
        clock.advance(Duration.ofHours(1));
        JobCancel c = new JobCancel("s", "c", clock.instant(), "the admin");
        list.add(c);
        assertThat(list.recent()).containsExactly(b, c);
        clock.advance(Duration.ofHours(23).plusSeconds(1));
        assertThat(list.recent()).containsExactly(c);
    }
}
