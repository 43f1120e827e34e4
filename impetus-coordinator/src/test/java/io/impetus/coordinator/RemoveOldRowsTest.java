package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's upkeep step, on H2 with a settable clock for the database's. */
class RemoveOldRowsTest {
    private final SettableClock clock = new SettableClock();

    @Test
    void removesClosedDrainedStreamsAndGoneMembersOnlyAfterTheRetentionAndOnlyWhileActive(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            Lease lease = new Lease(store, clock, "a", () -> { });
            lease.keep();
            CoordinatorStore fenced = store.fenced(Lease.NAME, lease::epoch, lease::fenced);
            fenced.saveStream(new StreamInfo("done", StreamProperties.fromMap(Map.of()), StreamInfo.State.CLOSED,
                    clock.instant(), clock.instant()));
            fenced.markDrained("done");
            store.lease(Membership.MEMBER + "gone", "b", Lease.TTL);
            RemoveOldRows upkeep = new RemoveOldRows(fenced, Duration.ofDays(7));

            clock.advance(Duration.ofDays(6));
            lease.keep();
            assertThat(upkeep.runOnce()).isEqualTo(new CoordinatorStore.Removed(0, 0));
            clock.advance(Duration.ofDays(1).plusMinutes(1));
            lease.keep();
            assertThat(upkeep.runOnce()).isEqualTo(new CoordinatorStore.Removed(1, 1));
            assertThat(store.streams(true)).isEmpty();
            assertThat(upkeep.runOnce().total()).isZero();

            fenced.saveStream(new StreamInfo("later", StreamProperties.fromMap(Map.of()), StreamInfo.State.CLOSED,
                    clock.instant(), clock.instant()));
            fenced.markDrained("later");
            clock.advance(Duration.ofDays(8));
            new Lease(store, clock, "b", () -> { }).keep(); // a paused for days; b took the lease
            assertThat(upkeep.runOnce().total()).as("fenced: a removes nothing").isZero();
            assertThat(lease.epoch()).as("and stands by").isZero();
            assertThat(store.streams(true)).hasSize(1);
        }
    }
}
