package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.testkit.fake.SettableClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CoordinatorStore} must do, run against each implementation (the embedded H2
 * file and PostgreSQL) by a subclass that says how to open a fresh, empty one. Times are the
 * database's clock, played here by a settable one (and by the database's own where it says so).
 */
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    /** The database's clock. */
    protected final SettableClock db = new SettableClock(T0);
    protected CoordinatorStore store;

    /** A fresh, empty store (default scope, the database's own clock). */
    protected abstract CoordinatorStore openEmpty() throws Exception;

    /** The same store opened again (another coordinator, or this one after a restart). */
    protected abstract CoordinatorStore reopen() throws Exception;

    /** The same store opened for the installation {@code scope}, {@code databaseClock} standing in for the database's. */
    protected abstract CoordinatorStore open(String scope, Clock databaseClock) throws Exception;

    /** A plain JDBC connection to the store's database. */
    protected abstract Connection connect() throws SQLException;

    @BeforeEach
    void open() throws Exception {
        openEmpty().close();
        store = open(CoordinatorStore.DEFAULT_SCOPE, db);
    }

    @AfterEach
    void close() {
        if (store != null) { // null when the subclass skipped (no PostgreSQL configured)
            store.close();
        }
    }

    static StreamInfo stream(String id, Map<String, Object> props, StreamInfo.State state) {
        return new StreamInfo(id, StreamProperties.fromMap(props), state, T0, state == StreamInfo.State.CLOSED ? T0 : null);
    }

    static byte[] hold(CoordinatorStore store, String id, String stream, long delaySeconds, int priority, int body) {
        byte[] bytes = {(byte) body};
        store.holdJob(id, stream, Duration.ofSeconds(delaySeconds), priority, bytes);
        return bytes;
    }

    @Test
    void streamsAreSavedReplacedAndListed() {
        store.saveStream(stream("b", Map.of("mpps", 3), StreamInfo.State.OPEN));
        store.saveStream(stream("a", Map.of(), StreamInfo.State.OPEN));
        store.saveStream(stream("a", Map.of("priority", 7), StreamInfo.State.CLOSED));
        assertThat(store.stream("a")).get().satisfies(s -> {
            assertThat(s.state()).isEqualTo(StreamInfo.State.CLOSED);
            assertThat(s.properties().priority()).isEqualTo(7);
            assertThat(s.created()).isEqualTo(T0);
            assertThat(s.closed()).isEqualTo(T0);
        });
        assertThat(store.stream("nope")).isEmpty();
        assertThat(store.streams(false)).extracting(StreamInfo::id).containsExactly("b");
        assertThat(store.streams(true)).extracting(StreamInfo::id).containsExactly("a", "b");
    }

    @Test
    void aBundleIsStoredOnceByItsHash() {
        byte[] zip = new byte[200_000];
        new Random(1).nextBytes(zip);
        String id = "a".repeat(64);
        store.saveBundle(id, zip, T0);
        store.saveBundle(id, zip, T0.plusSeconds(5)); // a second fork of the same code
        assertThat(store.bundle(id)).get().isEqualTo(zip);
        assertThat(store.bundle("b".repeat(64))).isEmpty();
    }

    @Test
    void delayedJobsComeOutWhenDueOnTheDatabasesClockEarliestFirstAndHoldingTwiceChangesNothing() {
        hold(store, "late", "s", 10, 1, 1);
        hold(store, "early", "s", 1, 2, 2);
        hold(store, "other", "t", 2, 0, 3);
        // redelivered after a crash, with a later due time: the first one stands
        assertThat(store.holdJob("early", "s", Duration.ofSeconds(60), 2, new byte[] {9})).isNull();
        assertThat(store.claimDueJobs(10)).isEmpty();
        db.advance(Duration.ofSeconds(5));
        List<CoordinatorStore.DelayedJob> due = store.claimDueJobs(10);
        assertThat(due).extracting(CoordinatorStore.DelayedJob::id).containsExactly("early", "other");
        assertThat(due.get(0).body()).containsExactly(2);
        assertThat(due.get(0).due()).isEqualTo(T0.plusSeconds(1));
        assertThat(due.get(0).priority()).isEqualTo(2);
        assertThat(store.claimDueJobs(1)).as("claimed and not released: claimed again").hasSize(1);
        assertThat(store.delayedCount("s")).isEqualTo(2);
        store.releaseJob("early");
        store.releaseJob("early"); // twice is harmless
        assertThat(store.delayedCount("s")).isEqualTo(1);
        db.advance(Duration.ofSeconds(55));
        assertThat(store.claimDueJobs(10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("other", "late");
    }

    @Test
    void theNextDueTimeIsTheEarliestHeldJobsOnTheDatabasesClockAndEachCommitThatHeldJobsTellsIt() {
        List<Duration> told = new ArrayList<>();
        store.onJobsHeld(told::add);
        assertThat(store.nextDueIn()).as("nothing held").isEmpty();
        hold(store, "late", "s", 10, 1, 1);
        hold(store, "early", "s", 4, 2, 2);
        assertThat(store.holdJob("early", "s", Duration.ofSeconds(1), 2, new byte[] {9})).as("held already").isNull();
        assertThat(told).as("one hint per commit that held a job").containsExactly(Duration.ofSeconds(10),
                Duration.ofSeconds(4));
        assertThat(store.nextDueIn()).contains(Duration.ofSeconds(4));
        db.advance(Duration.ofSeconds(5));
        assertThat(store.nextDueIn()).as("due a second ago").contains(Duration.ofSeconds(-1));
        assertThat(store.claimDueJobs(10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("early");
        assertThat(store.nextDueIn()).as("claimed, not released: still held").contains(Duration.ofSeconds(-1));
        store.releaseJob("early");
        assertThat(store.nextDueIn()).contains(Duration.ofSeconds(5));
    }

    @Test
    void whatIsWrittenSurvivesReopening() throws Exception {
        store.saveStream(stream("kept", Map.of("maxPriority", 9, "queueType", "quorum"), StreamInfo.State.OPEN));
        hold(store, "j", "kept", 0, 0, 7);
        store.close();
        store = reopen();
        assertThat(store.stream("kept")).get().extracting(s -> s.properties().maxPriority()).isEqualTo(9);
        assertThat(store.claimDueJobs(10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("j");
    }

    @Test
    void aLeaseHasOneHolderUntilItRunsOutOnTheDatabasesClockOrIsGivenUp() {
        Duration ttl = Duration.ofSeconds(3);
        assertThat(store.lease("active", "one", ttl)).hasValue(1);
        db.advance(Duration.ofSeconds(1));
        assertThat(store.lease("active", "two", ttl)).as("held by one").isEmpty();
        db.advance(Duration.ofSeconds(1));
        assertThat(store.lease("active", "one", ttl)).as("one renews, same epoch").hasValue(1);
        db.advance(Duration.ofSeconds(2));
        assertThat(store.lease("active", "two", ttl)).as("renewed until 5 s").isEmpty();
        assertThat(store.lease("other", "two", ttl)).as("another lease").hasValue(1);
        db.advance(Duration.ofMillis(1_001));
        assertThat(store.lease("active", "two", ttl)).as("ran out: a new holder, a new epoch").hasValue(2);
        assertThat(store.lease("active", "one", ttl)).as("one lost it").isEmpty();
        assertThat(store.lease("member:a_1", "one", ttl)).isPresent();
        db.advance(Duration.ofSeconds(1));
        assertThat(store.lease("member:b%2", "two", ttl)).isPresent();
        assertThat(store.lease("memberXc", "three", ttl)).isPresent();
        db.advance(Duration.ofSeconds(1));
        assertThat(store.heldLeases("member:")).as("both members, not memberX").isEqualTo(2);
        assertThat(store.heldLeases("member:b_")).as("_ is no wildcard").isZero();
        assertThat(store.heldLeases("member:b%")).as("% is no wildcard").isEqualTo(1);
        db.advance(Duration.ofMillis(1_001));
        assertThat(store.heldLeases("member:")).as("a's ran out").isEqualTo(1);
        store.releaseLease("member:b%2", "two");
        assertThat(store.heldLeases("member:")).isZero();
        assertThat(store.lease("active", "two", ttl)).as("two renews").hasValue(2);
        store.releaseLease("active", "one"); // not its holder: changes nothing
        assertThat(store.lease("active", "one", ttl)).isEmpty();
        store.releaseLease("active", "two");
        assertThat(store.lease("active", "one", ttl)).as("given up: taken at once, a new epoch").hasValue(3);
    }

    @Test
    void aLeaseRunsOutOnTheDatabasesOwnClock() throws Exception {
        try (CoordinatorStore real = open(CoordinatorStore.DEFAULT_SCOPE, null)) {
            assertThat(real.lease("real", "one", Duration.ofMillis(300))).isPresent();
            assertThat(real.lease("real", "two", Duration.ofSeconds(3))).isEmpty();
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> real.lease("real", "two", Duration.ofSeconds(3)).isPresent());
            assertThat(real.lease("real", "one", Duration.ofSeconds(3))).isEmpty();
        }
    }

    @Test
    void aHoldersRenewalRunsFromTheDatabasesNowAndKeepsTheEpoch() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        assertThat(store.lease("late", "one", ttl)).hasValue(1);
        db.advance(Duration.ofSeconds(5));
        assertThat(store.lease("late", "one", ttl)).as("ran out, nobody took it: renewed, same epoch").hasValue(1);
        db.advance(Duration.ofSeconds(2));
        assertThat(store.lease("late", "two", ttl)).as("renewed for 3 s from the database's now").isEmpty();
        try (CoordinatorStore real = open(CoordinatorStore.DEFAULT_SCOPE, null)) {
            assertThat(real.lease("renewed", "one", Duration.ofMillis(300))).hasValue(1);
            assertThat(real.lease("renewed", "one", Duration.ofSeconds(60))).as("renewed, same epoch").hasValue(1);
            try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT expires, CURRENT_TIMESTAMP FROM leases WHERE name = 'renewed'")) {
                assertThat(rs.next()).isTrue();
                Duration left = Duration.between(rs.getObject(2, OffsetDateTime.class), rs.getObject(1, OffsetDateTime.class));
                assertThat(left).as("60 s from the database's now").isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
            }
            assertThat(real.lease("renewed", "two", ttl)).isEmpty();
        }
    }

    @Test
    void contendersRacingForAFreeLeaseGetOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "race-" + round;
                List<Future<Boolean>> tries = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String holder = "c" + i;
                    Callable<Boolean> take = () -> store.lease(name, holder, Duration.ofSeconds(3)).isPresent();
                    tries.add(pool.submit(take));
                }
                int winners = 0;
                for (Future<Boolean> f : tries) {
                    winners += f.get() ? 1 : 0;
                }
                assertThat(winners).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
