package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do with accepted cancels, run against H2 and PostgreSQL: recorded once, through the lease's
 * fence, kept across a reopening, listed newest within their age, removed when old or when their stream's queues
 * are gone, and seen by their installation only. The database's clock is a settable one.
 */
abstract class CancelStoreContract {
    static final Instant T0 = Instant.parse("2026-12-07T02:00:00.123456Z");
    protected final SettableClock db = new SettableClock(T0);
    protected CoordinatorStore store;

    /** A fresh, empty store whose database clock is {@link #db}. */
    protected abstract CoordinatorStore openEmpty() throws Exception;

    /** The same store opened again (a coordinator after a restart, or another one), clock {@link #db}. */
    protected abstract CoordinatorStore reopen(String scope) throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
        store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, T0, null));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static JobCancel cancel(String job, Instant at, String by) {
        return new JobCancel("s", job, at, by);
    }

    private static Instant ms(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void aCancelIsRecordedOnceToTheMillisecondAndOutlivesTheStoreBeingReopened() throws Exception {
        store.saveCancel(cancel("j1", T0, "client alice"));
        store.saveCancel(cancel("j1", ms(T0), "client alice")); // the copy heard back from the events exchange
        store.saveCancel(cancel(null, T0.plusSeconds(1), null));
        store.saveCancel(cancel("j1", ms(T0), "the admin")); // another asker: another cancel
        List<JobCancel> expected = List.of(cancel("j1", ms(T0), "client alice"), cancel("j1", ms(T0), "the admin"),
                cancel(null, ms(T0.plusSeconds(1)), null));
        assertThat(store.cancels(T0.minusSeconds(60), 100)).containsExactlyInAnyOrderElementsOf(expected)
                .last().isEqualTo(expected.get(2));
        store.close();
        store = reopen(CoordinatorStore.DEFAULT_SCOPE);
        assertThat(store.cancels(T0.minusSeconds(60), 100)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theNewestCancelsWithinTheirAgeAreListedOldestFirst() {
        for (int i = 0; i < 5; i++) {
            store.saveCancel(cancel("j" + i, T0.plusSeconds(i), "the admin"));
        }
        assertThat(store.cancels(ms(T0).plusSeconds(1), 3)).extracting(JobCancel::job).containsExactly("j2", "j3", "j4");
        assertThat(store.cancels(ms(T0).plusSeconds(3), 100)).extracting(JobCancel::job).containsExactly("j3", "j4");
        assertThat(store.cancels(ms(T0).plusSeconds(5), 100)).isEmpty();
    }

    @Test
    void aCoordinatorWhoseEpochIsNoLongerCurrentRecordsNoCancel() {
        AtomicLong told = new AtomicLong();
        long epochA = store.lease("coordinator", "a", Duration.ofSeconds(3)).orElseThrow();
        CoordinatorStore a = store.fenced("coordinator", () -> epochA, told::set);
        a.saveCancel(cancel("j1", T0, "the admin"));
        db.advance(Duration.ofSeconds(12));
        assertThat(store.lease("coordinator", "b", Duration.ofSeconds(3))).hasValue(epochA + 1);
        assertThatThrownBy(() -> a.saveCancel(cancel("j2", T0, "the admin"))).isInstanceOf(FencedException.class);
        assertThat(told).hasValue(epochA);
        assertThatThrownBy(() -> a.removeOldCancels(Duration.ofMinutes(1))).isInstanceOf(FencedException.class);
        assertThat(store.cancels(T0.minusSeconds(1), 100)).extracting(JobCancel::job).containsExactly("j1");
    }

    @Test
    void oldCancelsAndThoseOfStreamsWhoseQueuesWereRemovedAreRemoved() {
        StreamInfo closed = new StreamInfo("gone", StreamProperties.fromMap(Map.of()), StreamInfo.State.CLOSED, T0, T0);
        store.saveStream(closed);
        store.saveStream(new StreamInfo("closing", StreamProperties.fromMap(Map.of()), StreamInfo.State.CLOSED, T0, T0));
        store.saveCancel(cancel("old", T0, "the admin"));
        store.saveCancel(cancel("young", T0.plus(Duration.ofHours(23)), "the admin"));
        store.saveCancel(new JobCancel("gone", null, T0.plus(Duration.ofHours(23)), "the admin"));
        store.saveCancel(new JobCancel("closing", null, T0.plus(Duration.ofHours(23)), "the admin"));
        store.saveCancel(new JobCancel("never-saved", "x", T0.plus(Duration.ofHours(23)), "the admin"));
        db.advance(Duration.ofHours(24).plusSeconds(1));
        assertThat(store.removeOldCancels(Duration.ofHours(24))).as("nothing drained yet: only the old one and the"
                + " one of a stream without a row").isEqualTo(2);
        store.markDrained("gone");
        assertThat(store.removeOldCancels(Duration.ofHours(24))).isEqualTo(1);
        assertThat(store.cancels(T0, 100)).extracting(JobCancel::stream, JobCancel::job).containsExactlyInAnyOrder(
                Tuple.tuple("s", "young"), Tuple.tuple("closing", null));
        assertThat(store.removeOldCancels(Duration.ofHours(24))).isZero();
    }

    @Test
    void anotherInstallationSeesNoneOfTheCancels() throws Exception {
        store.saveCancel(cancel("j1", T0, "the admin"));
        try (CoordinatorStore other = reopen(CoordinatorStore.scope("/", "other"))) {
            assertThat(other.cancels(T0.minusSeconds(1), 100)).isEmpty();
            other.saveCancel(cancel("j1", T0, "the admin"));
            assertThat(other.removeOldCancels(Duration.ofHours(1))).as("its stream 's' has no row there").isEqualTo(1);
        }
        assertThat(store.cancels(T0.minusSeconds(1), 100)).hasSize(1);
    }
}
