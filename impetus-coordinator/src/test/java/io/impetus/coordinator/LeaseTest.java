package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on one store: one active at a time, a standby takes over when the lease runs out.
 * The database's clock and each coordinator's are settable apart, to play skew and pauses.
 */
class LeaseTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** The database's clock: the only one the lease's times are on. */
    private final SettableClock db = new SettableClock(T0);
    private CoordinatorStore store;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, db);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Moves the database's clock and every coordinator's by {@code d}. */
    private void advance(Duration d, SettableClock... coordinators) {
        db.advance(d);
        for (SettableClock c : coordinators) {
            c.advance(d);
        }
    }

    @Test
    void aStandbyTakesOverWhenTheActiveOneStopsRenewingOrLetsGo() {
        SettableClock clock = new SettableClock(T0);
        AtomicInteger aBecame = new AtomicInteger();
        AtomicInteger bBecame = new AtomicInteger();
        Lease a = new Lease(store, clock, "a", aBecame::incrementAndGet);
        Lease b = new Lease(store, clock, "b", bBecame::incrementAndGet);
        a.keep();
        b.keep();
        assertThat(a.active()).isTrue();
        assertThat(a.epoch()).isEqualTo(1);
        assertThat(b.active()).isFalse();
        assertThat(b.epoch()).isZero();
        advance(Duration.ofSeconds(1), clock);
        a.keep();
        b.keep();
        assertThat(b.active()).as("renewed").isFalse();

        advance(Duration.ofMillis(3001), clock); // a died: it renews no more
        assertThat(a.active()).as("its own lease ran out too").isFalse();
        b.keep();
        assertThat(b.active()).isTrue();
        assertThat(b.epoch()).as("a new holder, a new epoch").isEqualTo(2);
        a.keep(); // a comes back: b holds it
        assertThat(a.active()).isFalse();
        assertThat(aBecame).hasValue(1);
        assertThat(bBecame).hasValue(1);

        b.release(); // a clean stop hands it over at once
        a.keep();
        assertThat(a.active()).isTrue();
        assertThat(a.epoch()).isEqualTo(3);
        assertThat(aBecame).hasValue(2);
    }

    @Test
    void aCoordinatorStopsActingAMarginBeforeItsLeaseRunsOutInTheDatabase() {
        SettableClock clock = new SettableClock(T0);
        Lease a = new Lease(store, clock, "a", () -> { });
        a.keep();
        advance(Duration.ofMillis(2400), clock);
        assertThat(a.active()).isTrue();
        advance(Duration.ofMillis(200), clock); // 2.6 s without a renewal: within the 0.5 s margin of the 3 s lease
        assertThat(a.active()).as("a pause makes it stop acting before the lease runs out, never act longer").isFalse();
    }

    @Test
    void aCoordinatorWhoseClockRunsTenMinutesAheadDoesNotStealALiveLease() {
        SettableClock aClock = new SettableClock(T0);
        SettableClock bClock = new SettableClock(T0.plus(Duration.ofMinutes(10)));
        Lease a = new Lease(store, aClock, "a", () -> { });
        Lease b = new Lease(store, bClock, "b", () -> { });
        a.keep();
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofSeconds(1), aClock, bClock);
            b.keep();
            a.keep();
            assertThat(b.active()).as("second %d", i).isFalse();
            assertThat(a.active()).isTrue();
        }
    }

    @Test
    void aCoordinatorWhoseClockRunsTenMinutesAheadDoesNotKeepALeaseThatRanOut() {
        SettableClock aClock = new SettableClock(T0.plus(Duration.ofMinutes(10)));
        SettableClock bClock = new SettableClock(T0);
        Lease a = new Lease(store, aClock, "a", () -> { });
        Lease b = new Lease(store, bClock, "b", () -> { });
        a.keep();
        b.keep();
        assertThat(b.active()).isFalse();
        advance(Duration.ofMillis(3001), aClock, bClock); // a died
        b.keep();
        assertThat(b.active()).as("the standby takes over after the lease, not ten minutes later").isTrue();
    }

    @Test
    void aCoordinatorWhoseClockRunsTenMinutesBehindDoesNotLoseItsLiveLease() {
        SettableClock aClock = new SettableClock(T0.minus(Duration.ofMinutes(10)));
        SettableClock bClock = new SettableClock(T0);
        Lease a = new Lease(store, aClock, "a", () -> { });
        Lease b = new Lease(store, bClock, "b", () -> { });
        a.keep();
        advance(Duration.ofSeconds(1), aClock, bClock);
        b.keep();
        assertThat(b.active()).as("a's lease is live whatever a's clock says").isFalse();
        assertThat(a.active()).isTrue();
    }

    @Test
    void aCoordinatorPausedForFourLeasesIsFencedOnWakingAndStandsBy() {
        SettableClock aClock = new SettableClock(T0);
        SettableClock bClock = new SettableClock(T0);
        AtomicInteger aStoodBy = new AtomicInteger();
        Lease a = new Lease(store, aClock, "a", () -> true, () -> { }, aStoodBy::incrementAndGet);
        Lease b = new Lease(store, bClock, "b", () -> { });
        CoordinatorStore asA = store.fenced(Lease.NAME, a::epoch, a::fenced);
        a.keep();
        long epoch = a.epoch();
        advance(Duration.ofSeconds(12), aClock, bClock); // SIGSTOP for four times the lease
        b.keep();
        assertThat(b.active()).isTrue();
        assertThat(a.active()).as("on waking, its own clock says the lease ran out").isFalse();
        // a write it was about to do when paused: refused, and it stands by
        Assertions.assertThatThrownBy(() -> asA.markDrained("s"))
                .isInstanceOf(FencedException.class)
                .hasMessageContaining("fenced: lease epoch " + epoch + " is no longer current; standing by");
        assertThat(a.epoch()).isZero();
        a.keep();
        assertThat(a.active()).isFalse();
        assertThat(b.epoch()).isEqualTo(epoch + 1);
    }

    @Test
    void becomingActiveIsReportedOutsideTheLeasesLockSoTheWatchdogAndFencesAreNotHeldUpByIt() {
        SettableClock clock = new SettableClock(T0);
        AtomicReference<Lease> lease = new AtomicReference<>();
        AtomicBoolean othersGotThrough = new AtomicBoolean();
        lease.set(new Lease(store, clock, "a", () -> {
            // taking the control queue talks to the broker, seconds on a slow link: meanwhile the watchdog and a
            // fenced write (another thread) must get through
            CompletableFuture<Void> others = CompletableFuture.runAsync(() -> {
                lease.get().check();
                lease.get().fenced(-1);
            });
            try {
                others.get(5, TimeUnit.SECONDS);
                othersGotThrough.set(true);
            } catch (Exception e) {
                othersGotThrough.set(false);
            }
        }));
        lease.get().keep();
        assertThat(lease.get().active()).isTrue();
        assertThat(othersGotThrough).as("check() and fenced() ran while the report was under way").isTrue();
    }
}
