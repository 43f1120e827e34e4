package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CoordinatorStore} must do, run against each implementation (the embedded H2
 * file and PostgreSQL) by a subclass that says how to open a fresh, empty one.
 */
abstract class StoreContract {
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    protected CoordinatorStore store;

    /** A fresh, empty store. */
    protected abstract CoordinatorStore openEmpty() throws Exception;

    /** The same store opened again (another coordinator, or this one after a restart). */
    protected abstract CoordinatorStore reopen() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
    }

    @AfterEach
    void close() {
        if (store != null) { // null when the subclass skipped (no PostgreSQL configured)
            store.close();
        }
    }

    private static StreamInfo stream(String id, Map<String, Object> props, StreamInfo.State state) {
        return new StreamInfo(id, StreamProperties.fromMap(props), state, T0, state == StreamInfo.State.CLOSED ? T0 : null);
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
        new java.util.Random(1).nextBytes(zip);
        String id = "a".repeat(64);
        store.saveBundle(id, zip, T0);
        store.saveBundle(id, zip, T0.plusSeconds(5)); // a second fork of the same code
        assertThat(store.bundle(id)).get().isEqualTo(zip);
        assertThat(store.bundle("b".repeat(64))).isEmpty();
    }

    @Test
    void delayedJobsComeOutWhenDueEarliestFirstAndHoldingTwiceChangesNothing() {
        store.holdJob(new CoordinatorStore.DelayedJob("late", "s", T0.plusSeconds(10), 1, new byte[] {1}));
        store.holdJob(new CoordinatorStore.DelayedJob("early", "s", T0.plusSeconds(1), 2, new byte[] {2}));
        store.holdJob(new CoordinatorStore.DelayedJob("other", "t", T0.plusSeconds(2), 0, new byte[] {3}));
        // redelivered after a crash, with a later due time: the first one stands
        store.holdJob(new CoordinatorStore.DelayedJob("early", "s", T0.plusSeconds(60), 2, new byte[] {9}));
        assertThat(store.dueJobs(T0, 10)).isEmpty();
        List<CoordinatorStore.DelayedJob> due = store.dueJobs(T0.plusSeconds(5), 10);
        assertThat(due).extracting(CoordinatorStore.DelayedJob::id).containsExactly("early", "other");
        assertThat(due.get(0).body()).containsExactly(2);
        assertThat(due.get(0).due()).isEqualTo(T0.plusSeconds(1));
        assertThat(due.get(0).priority()).isEqualTo(2);
        assertThat(store.dueJobs(T0.plusSeconds(5), 1)).hasSize(1);
        assertThat(store.delayedCount("s")).isEqualTo(2);
        store.releaseJob("early");
        store.releaseJob("early"); // twice is harmless
        assertThat(store.delayedCount("s")).isEqualTo(1);
        assertThat(store.dueJobs(T0.plusSeconds(60), 10)).extracting(CoordinatorStore.DelayedJob::id)
                .containsExactly("other", "late");
    }

    @Test
    void whatIsWrittenSurvivesReopening() throws Exception {
        store.saveStream(stream("kept", Map.of("maxPriority", 9, "queueType", "quorum"), StreamInfo.State.OPEN));
        store.holdJob(new CoordinatorStore.DelayedJob("j", "kept", T0, 0, new byte[] {7}));
        store.close();
        store = reopen();
        assertThat(store.stream("kept")).get().extracting(s -> s.properties().maxPriority()).isEqualTo(9);
        assertThat(store.dueJobs(T0, 10)).extracting(CoordinatorStore.DelayedJob::id).containsExactly("j");
    }

    @Test
    void aLeaseHasOneHolderUntilItRunsOutOrIsGivenUp() {
        Duration ttl = Duration.ofSeconds(3);
        assertThat(store.lease("active", "one", T0, ttl)).isTrue();
        assertThat(store.lease("active", "two", T0.plusSeconds(1), ttl)).as("held by one").isFalse();
        assertThat(store.lease("active", "one", T0.plusSeconds(2), ttl)).as("one renews").isTrue();
        assertThat(store.lease("active", "two", T0.plusSeconds(4), ttl)).as("renewed until 5 s").isFalse();
        assertThat(store.lease("other", "two", T0.plusSeconds(4), ttl)).as("another lease").isTrue();
        assertThat(store.lease("active", "two", T0.plusMillis(5_001), ttl)).as("ran out").isTrue();
        assertThat(store.lease("active", "one", T0.plusSeconds(6), ttl)).as("one lost it").isFalse();
        assertThat(store.lease("member:a_1", "one", T0.plusSeconds(6), ttl)).isTrue();
        assertThat(store.lease("member:b%2", "two", T0.plusSeconds(7), ttl)).isTrue();
        assertThat(store.lease("memberXc", "three", T0.plusSeconds(7), ttl)).isTrue();
        assertThat(store.heldLeases("member:", T0.plusSeconds(8))).as("both members, not memberX").isEqualTo(2);
        assertThat(store.heldLeases("member:b_", T0.plusSeconds(8))).as("_ is no wildcard").isZero();
        assertThat(store.heldLeases("member:b%", T0.plusSeconds(8))).as("% is no wildcard").isEqualTo(1);
        assertThat(store.heldLeases("member:", T0.plusMillis(9_001))).as("a's ran out at 9 s").isEqualTo(1);
        store.releaseLease("member:b%2", "two");
        assertThat(store.heldLeases("member:", T0.plusSeconds(8))).isEqualTo(1);
        store.releaseLease("active", "one"); // not its holder: changes nothing
        assertThat(store.lease("active", "one", T0.plusSeconds(6), ttl)).isFalse();
        store.releaseLease("active", "two");
        assertThat(store.lease("active", "one", T0.plusSeconds(6), ttl)).as("given up").isTrue();
    }

    @Test
    void contendersRacingForAFreeLeaseGetOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "race-" + round;
                Instant now = T0.truncatedTo(ChronoUnit.SECONDS);
                List<Future<Boolean>> tries = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String holder = "c" + i;
                    Callable<Boolean> take = () -> store.lease(name, holder, now, Duration.ofSeconds(3));
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
