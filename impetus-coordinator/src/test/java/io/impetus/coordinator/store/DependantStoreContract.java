package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.store.CoordinatorStore.Dependant;
import io.impetus.coordinator.store.CoordinatorStore.InputResult;
import io.impetus.coordinator.store.CoordinatorStore.Ready;
import io.impetus.coordinator.store.CoordinatorStore.Readying;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.testkit.fake.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store must do for jobs that wait for other jobs, run against H2 and PostgreSQL: counted in the
 * transaction of the result they count, released once as a delayed job due now, bad inputs refused with
 * nothing changed. The database's clock is a settable one.
 */
abstract class DependantStoreContract {
    static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
    protected final SettableClock db = new SettableClock(T0);
    protected CoordinatorStore store;

    /** A fresh, empty store whose database clock is {@link #db}. */
    protected abstract CoordinatorStore openEmpty() throws Exception;

    /** Makes a ready dependant's body the ids and outcomes of its inputs, "a:ok,b:error"; fails it when told. */
    private static Readying joining(boolean failOnError) {
        return (Dependant d, List<InputResult> inputs) -> {
            String body = inputs.stream().map(i -> i.id() + ":" + (i.ok() ? "ok" : "error"))
                    .collect(Collectors.joining(","));
            boolean failed = failOnError && inputs.stream().anyMatch(i -> !i.ok());
            return new Ready(body.getBytes(StandardCharsets.UTF_8), failed);
        };
    }

    private static final Readying PASS = joining(false);

    @BeforeEach
    void open() throws Exception {
        store = openEmpty();
        for (String s : List.of("s", "other")) {
            store.saveStream(new StreamInfo(s, StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, T0, null));
        }
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static Dependant dependant(String id, String stream, String... inputs) {
        return new Dependant(id, stream, "fail_dependant", 3, List.of(inputs), id.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] result(String id) {
        return ("result of " + id).getBytes(StandardCharsets.UTF_8);
    }

    private List<String> due() {
        return store.claimDueJobs(100).stream()
                .map(j -> j.id() + "=" + new String(j.body(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aFanInOfThreeIsReleasedOnceWhenItsLastInputIsDoneWithTheResultsInTheOrderNamed() {
        assertThat(store.registerDependant(dependant("d", "s", "c", "a", "b"), PASS)).isEqualTo(3);
        assertThat(store.inputDone("a", "s", true, result("a"), PASS)).isZero();
        assertThat(store.inputDone("b", "s", false, result("b"), PASS)).isZero();
        assertThat(store.waitingFor("d")).hasValue(1);
        assertThat(due()).isEmpty();

        assertThat(store.inputDone("c", "s", true, result("c"), PASS)).isEqualTo(1);
        assertThat(store.waitingFor("d")).hasValue(0);
        assertThat(due()).containsExactly("d=c:ok,a:ok,b:error");
        assertThat(store.claimDueJobs(100)).singleElement().satisfies(j -> assertThat(j.priority()).isEqualTo(3));

        // a redelivered notice, and the client sending the same fork again, change nothing
        store.releaseJob("d");
        assertThat(store.inputDone("c", "s", true, result("c"), PASS)).isZero();
        assertThat(store.registerDependant(dependant("d", "s", "c", "a", "b"), PASS)).isZero();
        assertThat(due()).isEmpty();
    }

    @Test
    void inputsDoneBeforeTheDependantIsForkedCountAtOnce() {
        store.inputDone("a", "s", true, result("a"), PASS);
        store.inputDone("b", "s", true, result("b"), PASS);
        assertThat(store.registerDependant(dependant("d", "s", "a", "b"), PASS)).isZero();
        assertThat(due()).containsExactly("d=a:ok,b:ok");
    }

    @Test
    void aChainRunsLinkByLink() {
        store.registerDependant(dependant("d1", "s", "a"), PASS);
        store.registerDependant(dependant("d2", "s", "d1"), PASS);
        store.registerDependant(dependant("d3", "s", "d2", "a"), PASS);
        store.inputDone("a", "s", true, result("a"), PASS);
        assertThat(due()).containsExactly("d1=a:ok");
        store.releaseJob("d1");
        store.inputDone("d1", "s", true, result("d1"), PASS);
        assertThat(due()).containsExactly("d2=d1:ok");
        store.releaseJob("d2");
        store.inputDone("d2", "s", true, result("d2"), PASS);
        assertThat(due()).containsExactly("d3=d2:ok,a:ok");
    }

    @Test
    void aDependantThatFailsIsAFailedInputOfWhatWaitsForItInTheSameTransaction() {
        Readying failing = joining(true);
        store.registerDependant(dependant("d1", "s", "a"), failing);
        store.registerDependant(dependant("d2", "s", "d1"), failing);
        assertThat(store.inputDone("a", "s", false, result("a"), failing)).isEqualTo(2);
        // both are due: each is published as its client's error result, neither runs
        assertThat(due()).containsExactlyInAnyOrder("d1=a:error", "d2=d1:error");
    }

    @Test
    void anInputOfAnotherStreamIsRefusedAndChangesNothing() {
        store.inputDone("x", "other", true, result("x"), PASS);
        store.registerDependant(dependant("y", "other", "x"), PASS);
        store.releaseJob("y");
        assertThatThrownBy(() -> store.registerDependant(dependant("d", "s", "a", "x"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("input x is a job of stream 'other'");
        assertThatThrownBy(() -> store.registerDependant(dependant("d", "s", "y"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("input y is a job of stream 'other'");
        assertThat(store.waitingFor("d")).isEmpty();
        store.inputDone("a", "s", true, result("a"), PASS);
        assertThat(due()).isEmpty();
    }

    @Test
    void cyclesRepeatedInputsAndUnknownStreamsAreRefusedAndChangeNothing() {
        assertThatThrownBy(() -> store.registerDependant(dependant("d", "s", "a", "d"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("cannot wait for itself");
        store.registerDependant(dependant("d1", "s", "d0"), PASS);
        assertThatThrownBy(() -> store.registerDependant(dependant("d0", "s", "d1"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("a cycle");
        assertThatThrownBy(() -> store.registerDependant(dependant("d", "s", "a", "a"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("named twice");
        assertThatThrownBy(() -> store.registerDependant(dependant("d", "nowhere", "a"), PASS))
                .isInstanceOf(DependencyException.class).hasMessageContaining("stream 'nowhere' is unknown");
        assertThat(store.waitingFor("d")).isEmpty();
        assertThat(store.waitingFor("d0")).isEmpty();
        assertThat(store.waitingFor("d1")).hasValue(1);
    }

    @Test
    void aStaleLeaseHolderCountsNothing() {
        store.registerDependant(dependant("d", "s", "a"), PASS);
        store.lease("coordinator", "one", Duration.ofSeconds(3));
        CoordinatorStore stale = store.fenced("coordinator", () -> 0, epoch -> { });
        assertThatThrownBy(() -> stale.inputDone("a", "s", true, result("a"), PASS))
                .isInstanceOf(FencedException.class);
        assertThat(store.waitingFor("d")).hasValue(1);
        assertThat(due()).isEmpty();
    }

    @Test
    void releasedDependantsAndDoneInputsGoAfterTheRetentionAndWaitingOnesStay() {
        store.registerDependant(dependant("d", "s", "a"), PASS);
        store.registerDependant(dependant("waiting", "s", "a", "b"), PASS);
        store.inputDone("a", "s", true, result("a"), PASS);
        store.releaseJob("d");
        db.advance(Duration.ofDays(8));
        store.removeOld(Duration.ofDays(7), "member:");
        assertThat(store.waitingFor("d")).isEmpty();
        assertThat(store.waitingFor("waiting")).hasValue(1);
        assertThat(store.inputDone("b", "s", true, result("b"), PASS)).isEqualTo(1);
        assertThat(due()).as("the old input's result kept for it").containsExactly("waiting=a:ok,b:ok");
    }
}
