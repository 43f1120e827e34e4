package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.control.Caller;
import io.impetus.coordinator.control.ControlHandler;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel is the store's, not a coordinator's: one accepted by a coordinator that then dies is listed by a fresh
 * coordinator over the same store that never heard of it, and one that lost the lease records none (fake brokers,
 * a settable clock for the coordinators and the database).
 */
class CancelsOutliveCoordinatorsTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T02:00:00.250Z"));
    private final Caller alice = new Caller("u-alice", false);

    /** One coordinator: its lease over the store, and its control handler writing through the lease's fence. */
    private final class Part {
        final Lease lease;
        final ControlHandler handler;
        final List<JobCancel> announced = new ArrayList<>();

        Part(CoordinatorStore store, String name) {
            lease = new Lease(store, clock, name, () -> { });
            CoordinatorStore fenced = store.fenced(Lease.NAME, lease::epoch, lease::fenced);
            handler = new ControlHandler(fenced, new StreamTopology(new FakeBroker(), new Topology("t")),
                    new NodeRegistry(clock), clock, (k, s) -> { });
            handler.onCancel(announced::add);
            lease.keep();
        }
    }

    private CoordinatorStore open(Path dir) {
        return CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
    }

    @Test
    void aCancelAcceptedByOneCoordinatorIsListedByAFreshOneOverTheSameStore(@TempDir Path dir) {
        List<Object> accepted = new ArrayList<>();
        try (CoordinatorStore store = open(dir)) {
            Part a = new Part(store, "a");
            assertThat(a.lease.active()).isTrue();
            a.handler.handle(new ControlRequest.CreateStream("s", Map.of(), "alice"), alice);
            accepted.add(a.handler.handle(new ControlRequest.CancelJobs("s", "queued-1", "alice", true), alice));
            clock.advance(Duration.ofMillis(1));
            accepted.add(a.handler.handle(new ControlRequest.CancelJobs("s", null, null), Caller.ADMIN));
            assertThat(a.announced).isEqualTo(accepted);
        } // a dies: its lease is not given up, its memory is gone

        clock.advance(Lease.TTL.multipliedBy(2));
        try (CoordinatorStore store = open(dir)) {
            Part b = new Part(store, "b");
            assertThat(b.lease.active()).as("b took the lease a let run out").isTrue();
            assertThat(b.announced).isEmpty();
            assertThat(b.handler.handle(new ControlRequest.ListCancels()))
                    .as("what a node started now is told").isEqualTo(accepted);
            assertThat(accepted).extracting(c -> ((JobCancel) c).job()).containsExactly("queued-1", null);
        }
    }

    @Test
    void aCoordinatorThatLostTheLeaseRecordsAndAnnouncesNoCancel(@TempDir Path dir) {
        try (CoordinatorStore store = open(dir)) {
            Part a = new Part(store, "a");
            a.handler.handle(new ControlRequest.CreateStream("s", Map.of(), "alice"), alice);
            clock.advance(Lease.TTL.multipliedBy(2)); // a paused longer than its lease
            Part b = new Part(store, "b");
            assertThat(b.lease.active()).isTrue();
            assertThatThrownBy(() -> a.handler.handle(new ControlRequest.CancelJobs("s", null, "alice"), alice))
                    .isInstanceOf(FencedException.class);
            assertThat(a.announced).as("not acknowledged, not announced: the request goes to b").isEmpty();
            assertThat(b.handler.handle(new ControlRequest.ListCancels())).isEqualTo(List.of());
            Object taken = b.handler.handle(new ControlRequest.CancelJobs("s", null, "alice"), alice);
            assertThat(a.handler.handle(new ControlRequest.ListCancels())).as("any coordinator lists the store's")
                    .isEqualTo(List.of(taken));
        }
    }
}
