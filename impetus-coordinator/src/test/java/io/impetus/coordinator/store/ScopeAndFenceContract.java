package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.rpc.StreamInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The rest of the store contract: writes fenced by the lease epoch, installations kept apart by
 * their scope, old rows removed after the retention, and a store of the earlier version opened.
 */
abstract class ScopeAndFenceContract extends StoreContract {
    private static final String LEASE = "coordinator";
    private static final Duration TTL = Duration.ofSeconds(3);

    @Test
    void writesOfACoordinatorWhoseEpochIsNoLongerCurrentAreRefusedAndChangeNothing() {
        store.saveStream(stream("s", Map.of(), StreamInfo.State.CLOSED));
        AtomicLong told = new AtomicLong();
        long epochA = store.lease(LEASE, "a", TTL).orElseThrow();
        CoordinatorStore a = store.fenced(LEASE, () -> epochA, told::set);
        a.saveStream(stream("s", Map.of(), StreamInfo.State.OPEN));
        hold(a, "j", "s", 1, 0, 1);
        db.advance(Duration.ofSeconds(12)); // a paused for four times its lease
        assertThat(store.lease(LEASE, "b", TTL)).hasValue(2);
        CoordinatorStore fencedA = store.fenced(LEASE, () -> 1, told::set);
        List<ThrowingCallable> writes = List.of(
                () -> fencedA.saveStream(stream("s", Map.of(), StreamInfo.State.CLOSED)),
                () -> fencedA.markDrained("s"),
                () -> fencedA.saveBundle("c".repeat(64), new byte[] {1}, T0),
                () -> fencedA.holdJob("k", "s", Duration.ZERO, 0, new byte[] {2}),
                () -> fencedA.claimDueJobs(10),
                () -> fencedA.removeOld(Duration.ofMinutes(1), "member:"));
        for (ThrowingCallable write : writes) {
            told.set(0);
            assertThatThrownBy(write).isInstanceOf(FencedException.class)
                    .hasMessage("fenced: lease epoch 1 is no longer current; standing by");
            assertThat(told).as("the stale epoch is reported").hasValue(1);
        }
        assertThat(store.stream("s")).get().extracting(StreamInfo::state).isEqualTo(StreamInfo.State.OPEN);
        assertThat(store.bundle("c".repeat(64))).isEmpty();
        assertThat(store.delayedCount("s")).isEqualTo(1);

        CoordinatorStore b = store.fenced(LEASE, () -> 2, told::set);
        assertThat(b.claimDueJobs(10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("j");
        b.saveStream(stream("s", Map.of(), StreamInfo.State.CLOSED));
        assertThat(store.stream("s")).get().extracting(StreamInfo::state).isEqualTo(StreamInfo.State.CLOSED);
        a.releaseJob("j"); // a published it before its pause: releasing it is a fact, not fenced
        assertThat(b.claimDueJobs(10)).isEmpty();
    }

    @Test
    void aCoordinatorWithoutTheLeaseHasNoCurrentEpoch() {
        CoordinatorStore none = store.fenced(LEASE, () -> 0, e -> { });
        assertThatThrownBy(() -> none.claimDueJobs(1)).isInstanceOf(FencedException.class);
        store.lease(LEASE, "a", TTL);
        assertThatThrownBy(() -> none.claimDueJobs(1)).isInstanceOf(FencedException.class);
    }

    @Test
    void twoInstallationsOnOneDatabaseSeeNoneOfEachOthersRowsAndAreBothActive() throws Exception {
        try (CoordinatorStore other = open(CoordinatorStore.scope("/", "other"), db);
             CoordinatorStore third = open(CoordinatorStore.scope("team-b", "impetus"), db)) {
            store.saveStream(stream("s", Map.of("priority", 1), StreamInfo.State.OPEN));
            other.saveStream(stream("s", Map.of("priority", 2), StreamInfo.State.CLOSED));
            hold(store, "j", "s", 0, 0, 1);
            hold(other, "j", "s", 0, 0, 2);
            store.saveBundle("d".repeat(64), new byte[] {1}, T0);
            other.saveBundle("d".repeat(64), new byte[] {2}, T0);
            assertThat(store.stream("s")).get().extracting(s -> s.properties().priority()).isEqualTo(1);
            assertThat(other.stream("s")).get().extracting(s -> s.properties().priority()).isEqualTo(2);
            assertThat(third.streams(true)).isEmpty();
            assertThat(third.stream("s")).isEmpty();
            assertThat(store.bundle("d".repeat(64))).get().isEqualTo(new byte[] {1});
            assertThat(other.bundle("d".repeat(64))).get().isEqualTo(new byte[] {2});
            assertThat(third.bundle("d".repeat(64))).isEmpty();
            assertThat(store.claimDueJobs(10)).singleElement().satisfies(j -> assertThat(j.body()).containsExactly(1));
            assertThat(other.claimDueJobs(10)).singleElement().satisfies(j -> assertThat(j.body()).containsExactly(2));
            assertThat(third.claimDueJobs(10)).isEmpty();
            assertThat(third.delayedCount("s")).isZero();

            assertThat(store.lease(LEASE, "one", TTL)).as("each installation's coordinator is active").hasValue(1);
            assertThat(other.lease(LEASE, "two", TTL)).hasValue(1);
            assertThat(third.lease(LEASE, "three", TTL)).hasValue(1);
            store.lease("member:1", "one", TTL);
            other.lease("member:2", "two", TTL);
            assertThat(store.heldLeases("member:")).isEqualTo(1);
            assertThat(third.heldLeases("member:")).isZero();
            CoordinatorStore fencedOther = other.fenced(LEASE, () -> 1, e -> { });
            fencedOther.saveStream(stream("t", Map.of(), StreamInfo.State.OPEN)); // its own epoch 1, not ours
            store.releaseJob("j");
            assertThat(other.delayedCount("s")).as("a release is scoped too").isEqualTo(1);
            assertThat(store.streams(true)).extracting(StreamInfo::id).containsExactly("s");
        }
    }

    @Test
    void closedDrainedStreamsAndGoneMembersAreRemovedAfterTheRetention() {
        Duration retention = Duration.ofDays(7);
        store.saveStream(stream("open", Map.of(), StreamInfo.State.OPEN));
        store.saveStream(stream("closed", Map.of(), StreamInfo.State.CLOSED));
        store.saveStream(stream("drained", Map.of(), StreamInfo.State.CLOSED));
        store.saveStream(stream("reopened", Map.of(), StreamInfo.State.CLOSED));
        store.markDrained("drained");
        store.markDrained("reopened");
        store.markDrained("open"); // not closed: nothing to note
        assertThat(store.closedStreamsNotDrained()).extracting(StreamInfo::id).containsExactly("closed");
        store.lease("member:gone", "x", TTL);
        store.lease("member:here", "y", TTL);
        store.lease(LEASE, "x", TTL);
        db.advance(Duration.ofDays(1));
        store.saveStream(stream("reopened", Map.of(), StreamInfo.State.OPEN));
        store.saveStream(stream("reopened", Map.of(), StreamInfo.State.CLOSED)); // closed again, its queues back
        store.markDrained("drained"); // noted once: the first time stands
        assertThat(store.closedStreamsNotDrained()).as("reopened and closed again: its queues are to be removed again")
                .extracting(StreamInfo::id).containsExactlyInAnyOrder("closed", "reopened");
        db.advance(Duration.ofDays(5));
        assertThat(store.removeOld(retention, "member:")).isEqualTo(new CoordinatorStore.Removed(0, 0));
        db.advance(Duration.ofDays(1).plusSeconds(4));
        store.lease("member:here", "y", TTL);
        assertThat(store.removeOld(retention, "member:")).isEqualTo(new CoordinatorStore.Removed(1, 1));
        assertThat(store.streams(true)).extracting(StreamInfo::id).containsExactlyInAnyOrder("open", "closed", "reopened");
        assertThat(store.heldLeases("member:")).isEqualTo(1);
        assertThat(store.lease(LEASE, "z", TTL)).as("the active lease's row stays: its epoch never goes back").hasValue(2);
    }

    @Test
    void aStoreOfTheEarlierVersionOpensAndItsRowsBelongToTheFirstInstallationThatOpensIt() throws Exception {
        store.close();
        store = null;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            String bytes = postgres ? "BYTEA" : "VARBINARY";
            for (String table : Dialect.SCOPED) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
            s.execute("CREATE TABLE streams (id VARCHAR(100) PRIMARY KEY, properties VARCHAR(1000) NOT NULL,"
                    + " state VARCHAR(10) NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL, closed TIMESTAMP WITH TIME ZONE)");
            s.execute("CREATE TABLE bundles (id CHAR(64) PRIMARY KEY, zip " + bytes + " NOT NULL,"
                    + " created TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE TABLE delayed_jobs (id VARCHAR(100) PRIMARY KEY, stream VARCHAR(100) NOT NULL,"
                    + " due TIMESTAMP WITH TIME ZONE NOT NULL, priority INT NOT NULL, body " + bytes + " NOT NULL)");
            s.execute("CREATE INDEX delayed_jobs_due ON delayed_jobs (due)");
            s.execute("CREATE TABLE leases (name VARCHAR(100) PRIMARY KEY, holder VARCHAR(200) NOT NULL,"
                    + " expires TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("INSERT INTO streams VALUES ('old', '{\"priority\":4}', 'OPEN', CURRENT_TIMESTAMP, NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles VALUES (?, ?, CURRENT_TIMESTAMP)")) {
                ps.setString(1, "e".repeat(64));
                ps.setBytes(2, new byte[] {1});
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delayed_jobs VALUES ('j', 'old', ?, 0, ?)")) {
                ps.setTimestamp(1, Timestamp.from(T0));
                ps.setBytes(2, new byte[] {5});
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leases VALUES ('coordinator', 'x', ?)")) {
                ps.setTimestamp(1, Timestamp.from(T0.plusSeconds(3)));
                ps.executeUpdate();
            }
        }
        store = open(CoordinatorStore.DEFAULT_SCOPE, db);
        try (CoordinatorStore second = open(CoordinatorStore.scope("/", "second"), db)) {
            assertThat(store.stream("old")).get().extracting(s -> s.properties().priority()).isEqualTo(4);
            assertThat(store.bundle("e".repeat(64))).isPresent();
            assertThat(store.claimDueJobs(10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("j");
            assertThat(store.lease(LEASE, "y", TTL)).as("x holds it still").isEmpty();
            assertThat(second.streams(true)).as("rows of the earlier version are the first opener's").isEmpty();
            assertThat(second.lease(LEASE, "z", TTL)).hasValue(1);
            db.advance(Duration.ofSeconds(4));
            assertThat(store.lease(LEASE, "y", TTL)).as("the old row's epoch is 1: a new holder makes it 2").hasValue(2);
        }
    }
}
