package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KeepMembership and CountCoordinators: consumers of the control queue against members of the store (H2, settable clock). */
class MembershipStepsTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();

    @Test
    void aConsumerOfTheControlQueueThatNoMemberOfTheStoreAccountsForIsCounted(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            broker.declareTemporaryQueue(topology.controlQueue());
            Membership membership = new Membership(store, broker, topology.controlQueue(), "a");
            KeepMembership keep = new KeepMembership(membership);
            CountCoordinators count = new CountCoordinators(membership);
            keep.runOnce();
            broker.consume(topology.controlQueue(), 1, d -> { }, () -> { }); // this one, active
            assertThat(count.runOnce()).isZero();

            broker.consume(topology.controlQueue(), 1, d -> { }, () -> { }); // one with a store of its own
            assertThat(count.runOnce()).isEqualTo(1);

            clock.advance(Lease.TTL.plus(Duration.ofSeconds(1))); // its membership ran out: not kept
            assertThat(count.runOnce()).isEqualTo(2);
            keep.runOnce();
            assertThat(count.runOnce()).isEqualTo(1);
        }
    }
}
