package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.error.BrokerException;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over follows the lease: a coordinator consumes control requests and delayed jobs only while
 * it holds the lease, and renews the lease only while its broker connection is open. So one cut off
 * from its store, or from its broker, stops taking requests it cannot serve, and the standby that
 * holds the lease takes them (two coordinators, one store, fake brokers, a settable clock).
 */
class FollowTheLeaseTest {
    private final Topology topology = new Topology("t");
    private final SettableClock clock = new SettableClock();

    /** One coordinator's lease and duties on its own broker connection. */
    private final class Part {
        final FakeBroker broker = declared(new FakeBroker());
        final ActiveDuties duties = new ActiveDuties(broker, 10, Map.of(topology.controlQueue(), d -> { },
                topology.delayedQueue(), d -> { }, topology.deadWatchQueue(), d -> { }), () -> { }, (task, ms) -> task.run());
        final Lease lease;

        Part(CoordinatorStore store, String name) {
            lease = new Lease(store, clock, name, broker::isOpen, duties::take, duties::drop);
        }

        long takingRequests() {
            return broker.activeConsumers(topology.controlQueue());
        }

        long takingDelayedJobs() {
            return broker.activeConsumers(topology.delayedQueue());
        }
    }

    /** {@code broker} with the shared queues a coordinator consumes declared (RabbitMQ refuses to consume a missing queue). */
    private FakeBroker declared(FakeBroker broker) {
        new TopologyDeclarer(broker, topology).declareShared();
        return broker;
    }

    /** {@code store}, whose lease calls fail while {@code cut} is set (a coordinator cut off from PostgreSQL). */
    private static CoordinatorStore cutOffWhen(CoordinatorStore store, AtomicBoolean cut) {
        return (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    if (cut.get() && method.getName().equals("lease")) {
                        throw new IllegalStateException("data store: The connection attempt failed");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void onlyTheLeaseHolderTakesRequestsAndDelayedJobs(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            Part a = new Part(store, "a");
            Part b = new Part(store, "b");
            a.lease.keep();
            b.lease.keep();
            assertThat(a.takingRequests()).isEqualTo(1);
            assertThat(a.takingDelayedJobs()).isEqualTo(1);
            assertThat(b.takingRequests()).as("the standby does not consume control").isZero();
            assertThat(b.takingDelayedJobs()).isZero();
            assertThat(a.broker.activeConsumers(topology.deadWatchQueue())).as("the dead-letter watch").isEqualTo(1);
            assertThat(b.broker.activeConsumers(topology.deadWatchQueue())).isZero();
        }
    }

    @Test
    void aCoordinatorCutOffFromItsBrokerLetsTheLeaseRunOutAndTheStandbyTakesOver(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            Part a = new Part(store, "a");
            Part b = new Part(store, "b");
            a.lease.keep();
            b.lease.keep();
            a.broker.setOpen(false); // it keeps PostgreSQL, loses RabbitMQ
            clock.advance(Duration.ofSeconds(1));
            a.lease.keep();
            b.lease.keep();
            assertThat(a.lease.active()).as("not renewed, not run out yet").isTrue();
            clock.advance(Duration.ofMillis(2100));
            a.lease.keep();
            b.lease.keep();
            assertThat(a.lease.active()).isFalse();
            assertThat(a.takingRequests()).isZero();
            assertThat(b.lease.active()).isTrue();
            assertThat(b.takingRequests()).isEqualTo(1);
            assertThat(b.takingDelayedJobs()).isEqualTo(1);

            a.broker.setOpen(true); // healed: the lease is b's now
            clock.advance(Duration.ofSeconds(1));
            a.lease.keep();
            b.lease.keep();
            assertThat(a.lease.active()).isFalse();
            assertThat(a.takingRequests()).isZero();
            assertThat(b.takingRequests()).isEqualTo(1);
        }
    }

    @Test
    void aCoordinatorCutOffFromItsStoreStopsTakingRequestsAndTheStandbyTakesThem(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            AtomicBoolean cut = new AtomicBoolean();
            Part a = new Part(cutOffWhen(store, cut), "a");
            Part b = new Part(store, "b");
            a.lease.keep();
            b.lease.keep();
            cut.set(true); // it keeps RabbitMQ, loses PostgreSQL
            clock.advance(Duration.ofSeconds(1));
            assertThatThrownBy(a.lease::keep).hasMessageContaining("connection attempt failed");
            assertThat(a.takingRequests()).as("its lease has not run out yet").isEqualTo(1);
            clock.advance(Duration.ofMillis(2100));
            assertThatThrownBy(a.lease::keep).isInstanceOf(IllegalStateException.class);
            assertThat(a.lease.active()).isFalse();
            assertThat(a.takingRequests()).as("a coordinator without its store answers nothing").isZero();
            assertThat(a.takingDelayedJobs()).isZero();
            b.lease.keep();
            assertThat(b.takingRequests()).isEqualTo(1);

            cut.set(false); // healed: it stays the standby
            a.lease.keep();
            assertThat(a.lease.active()).isFalse();
            assertThat(a.takingRequests()).isZero();
        }
    }

    @Test
    void aCleanStopHandsRequestsOverAtOnce(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            Part a = new Part(store, "a");
            Part b = new Part(store, "b");
            a.lease.keep();
            b.lease.keep();
            a.lease.release();
            assertThat(a.takingRequests()).isZero();
            b.lease.keep();
            assertThat(b.takingRequests()).isEqualTo(1);
        }
    }

    @Test
    void aCoordinatorThatCouldNotStartConsumingTriesAgainAtItsNextRenewal(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            FakeBroker fake = declared(new FakeBroker());
            AtomicBoolean refuse = new AtomicBoolean(true);
            Broker broker = (Broker) Proxy.newProxyInstance(
                    Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("consume") && refuse.get()) {
                            throw new BrokerException(
                                    BrokerException.Kind.UNREACHABLE, "connection lost", null);
                        }
                        try {
                            return method.invoke(fake, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            ActiveDuties duties = new ActiveDuties(broker, 10, Map.of(topology.controlQueue(), d -> { }), () -> { },
                    (task, ms) -> task.run());
            Lease lease = new Lease(store, clock, "a", broker::isOpen, duties::take, duties::drop);
            assertThatThrownBy(lease::keep).hasMessageContaining("connection lost");
            assertThat(fake.activeConsumers(topology.controlQueue())).isZero();
            refuse.set(false);
            clock.advance(Duration.ofSeconds(1));
            lease.keep();
            assertThat(fake.activeConsumers(topology.controlQueue())).as("taken on the next renewal").isEqualTo(1);
        }
    }
}
