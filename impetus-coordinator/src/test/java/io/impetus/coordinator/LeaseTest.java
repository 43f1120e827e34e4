package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two coordinators on one store and a settable clock: one active at a time, a standby takes over when the lease runs out. */
class LeaseTest {

    @Test
    void aStandbyTakesOverWhenTheActiveOneStopsRenewingOrLetsGo(@TempDir Path dir) {
        SettableClock clock = new SettableClock();
        try (CoordinatorStore store = CoordinatorStore.open(dir)) {
            AtomicInteger aBecame = new AtomicInteger();
            AtomicInteger bBecame = new AtomicInteger();
            Lease a = new Lease(store, clock, "a", aBecame::incrementAndGet);
            Lease b = new Lease(store, clock, "b", bBecame::incrementAndGet);
            a.keep();
            b.keep();
            assertThat(a.active()).isTrue();
            assertThat(b.active()).isFalse();
            clock.advance(Duration.ofSeconds(1));
            a.keep();
            b.keep();
            assertThat(b.active()).as("renewed").isFalse();

            clock.advance(Duration.ofMillis(3001)); // a died: it renews no more
            assertThat(a.active()).as("its own lease ran out too").isFalse();
            b.keep();
            assertThat(b.active()).isTrue();
            a.keep(); // a comes back: b holds it
            assertThat(a.active()).isFalse();
            assertThat(aBecame).hasValue(1);
            assertThat(bBecame).hasValue(1);

            b.release(); // a clean stop hands it over at once
            a.keep();
            assertThat(a.active()).isTrue();
            assertThat(aBecame).hasValue(2);
        }
    }
}
