package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.broker.Subscription;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.SettableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active coordinator cut off by a partition from one of its two dependencies, where nothing fails
 * fast: packets are dropped, so a socket stays "open" and a call just never returns. It must stand by
 * the moment its own view of the lease ends, whatever hangs (two coordinators on one store, fake
 * brokers, a settable clock; the hangs are real, on threads of their own).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PartitionedCoordinatorTest {
    private final Topology topology = new Topology("t");
    private final SettableClock clock = new SettableClock();
    /** Where hanging renewals and cancels wait (never the test's thread). */
    private final ExecutorService elsewhere = Executors.newCachedThreadPool();
    /** Released at the end: every hung call returns then. */
    private final CountDownLatch heal = new CountDownLatch(1);
    private CoordinatorStore store;

    /** One coordinator: its broker, its lease (renewals inline unless they hang) and its duties. */
    private final class Part {
        final FakeBroker fake = new FakeBroker();
        final AtomicBoolean cancelHangs = new AtomicBoolean();
        final ActiveDuties duties;
        final Lease lease;

        Part(String name, CoordinatorStore store, AtomicBoolean renewalHangs) {
            new TopologyDeclarer(fake, topology).declareShared(); // RabbitMQ refuses to consume a missing queue
            Broker broker = withHangingCancels(fake, cancelHangs);
            duties = new ActiveDuties(broker, 10, Map.of(topology.controlQueue(), d -> { }), () -> { },
                    (task, ms) -> { }, task -> (cancelHangs.get() ? elsewhere : (Executor) Runnable::run).execute(task));
            lease = new Lease(store, clock, name, () -> broker.answers(Lease.BROKER_ANSWER), duties::take, duties::drop,
                    task -> (renewalHangs.get() ? elsewhere : (Executor) Runnable::run).execute(task));
        }

        long takingRequests() {
            return fake.activeConsumers(topology.controlQueue());
        }
    }

    @BeforeEach
    void open(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
    }

    @AfterEach
    void close() {
        heal.countDown();
        elsewhere.shutdownNow();
        store.close();
    }

    /** {@code store}, whose lease calls hang until healed while {@code cut} is set (PostgreSQL behind a partition). */
    private CoordinatorStore hangingWhen(AtomicBoolean cut) {
        return (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    if (cut.get() && method.getName().equals("lease")) {
                        heal.await();
                        // a call hung by the partition fails when its connection is torn down (the test's end):
                        // it never reaches the store, which is being closed and its folder deleted
                        throw new ImpetusException("data store: the connection was cut off");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@code broker}, whose subscriptions' cancel and close hang until healed while {@code hang} is set. */
    private Broker withHangingCancels(Broker broker, AtomicBoolean hang) {
        return (Broker) Proxy.newProxyInstance(Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                (proxy, method, args) -> {
                    Object result = invoke(broker, method, args);
                    if (!(result instanceof Subscription s)) {
                        return result;
                    }
                    return (Subscription) Proxy.newProxyInstance(Subscription.class.getClassLoader(),
                            new Class<?>[] {Subscription.class}, (p, m, a) -> {
                                if (hang.get()) {
                                    heal.await();
                                }
                                return invoke(s, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void aCoordinatorWhoseBrokerStopsAnsweringLetsTheLeaseRunOutThoughItsConnectionLooksOpen() {
        Part a = new Part("a", store, new AtomicBoolean());
        Part b = new Part("b", store, new AtomicBoolean());
        a.lease.keep();
        b.lease.keep();
        a.fake.setAnswering(false); // cut off from RabbitMQ: the socket stays open until the heartbeats time out
        assertThat(a.fake.isOpen()).isTrue();
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(1));
            a.lease.keep();
            b.lease.keep();
        }
        assertThat(a.lease.active()).as("it renewed nothing while its broker did not answer").isFalse();
        assertThat(b.lease.active()).isTrue();
        assertThat(b.takingRequests()).isEqualTo(1);
    }

    @Test
    void aRenewalHangingInTheStoreCountsAsFailedAndTheWatchdogStandsItByOnTime() {
        AtomicBoolean cut = new AtomicBoolean();
        Part a = new Part("a", hangingWhen(cut), cut);
        Part b = new Part("b", store, new AtomicBoolean());
        a.lease.keep();
        b.lease.keep();
        assertThat(a.takingRequests()).isEqualTo(1);

        cut.set(true); // cut off from PostgreSQL: its next renewal never returns
        clock.advance(Duration.ofSeconds(1));
        a.lease.keep();
        clock.advance(Duration.ofSeconds(1));
        a.lease.keep(); // the renewal is still out: a second one is asked (it hangs too), and keep() returned
        a.lease.check();
        assertThat(a.lease.active()).as("2 s after its last renewal: still within its view").isTrue();
        clock.advance(Lease.TTL.minus(Lease.MARGIN).minusSeconds(2)); // its own view of the lease ends
        a.lease.check();
        assertThat(a.lease.active()).isFalse();
        assertThat(a.takingRequests()).as("stood by though its renewal still hangs").isZero();

        clock.advance(Lease.MARGIN.plusMillis(1)); // the lease ran out in the store too
        b.lease.keep();
        assertThat(b.lease.active()).isTrue();
        assertThat(b.takingRequests()).isEqualTo(1);
    }

    @Test
    void standingByOnACutConnectionDoesNotHoldTheLeaseThread() {
        Part a = new Part("a", store, new AtomicBoolean());
        Part b = new Part("b", store, new AtomicBoolean());
        a.lease.keep();
        b.lease.keep();
        a.fake.setAnswering(false);
        a.cancelHangs.set(true); // basic.cancel on a cut connection waits for an answer that never comes
        clock.advance(Lease.TTL.plusMillis(1));
        a.lease.check(); // returns: the cancel waits elsewhere
        a.lease.keep();
        assertThat(a.lease.active()).isFalse();
        assertThat(a.duties.taken()).isFalse();
        b.lease.keep();
        assertThat(b.lease.active()).isTrue();
    }
}
