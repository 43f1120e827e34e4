package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.testkit.fake.SettableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease on a slow link: renewals overlap, so one held up in the store (TCP retransmissions) longer than
 * the holder's view of a grant does not end its lease while later ones come back (H2, a settable clock for
 * the database and the coordinator; the held-up renewals really wait, on threads of their own).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KeepLeaseTest {
    private final SettableClock clock = new SettableClock();
    private final ExecutorService renewals = Executors.newCachedThreadPool();
    /** Released at the end of a test: every held-up renewal returns then. */
    private final CountDownLatch slowLinkEnds = new CountDownLatch(1);
    private final AtomicBoolean holdNext = new AtomicBoolean();
    private final AtomicBoolean holdAll = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();
    private CoordinatorStore store;

    @BeforeEach
    void open(@TempDir Path dir) {
        store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock);
    }

    @AfterEach
    void close() throws InterruptedException {
        slowLinkEnds.countDown();
        renewals.shutdown();
        renewals.awaitTermination(5, TimeUnit.SECONDS);
        store.close();
    }

    /** The store, whose next lease call (once {@link #holdNext} is set), or every one while {@link #holdAll} is, waits until the slow link ends. */
    private CoordinatorStore slowOnce() {
        return (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("lease")) {
                        calls.incrementAndGet();
                        if (holdNext.compareAndSet(true, false) || holdAll.get()) {
                            slowLinkEnds.await();
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** One pass of the step, waiting for its renewal (not held up). */
    private static void step(KeepLease keep) throws Exception {
        keep.runOnce().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRenewalHeldUpLongerThanTheLeaseDoesNotEndItWhileLaterOnesReturn() throws Exception {
        AtomicInteger stoodBy = new AtomicInteger();
        Lease a = new Lease(slowOnce(), clock, "a", () -> true, () -> { }, stoodBy::incrementAndGet, renewals);
        KeepLease keep = new KeepLease(a);
        step(keep);
        assertThat(a.active()).isTrue();
        long epoch = a.epoch();

        holdNext.set(true); // this renewal meets a segment lost three times: it comes back in seconds
        clock.advance(KeepLease.EVERY);
        keep.runOnce();
        await().atMost(Duration.ofSeconds(5)).until(() -> !holdNext.get()); // it is in the store, held up
        for (int i = 0; i < 10; i++) { // five seconds, a renewal asked every half second
            clock.advance(KeepLease.EVERY);
            step(keep);
            new Lease(store, clock, "b", () -> { }).keep(); // a standby asking all along
            assertThat(a.active()).as("after %d ms", (i + 2) * KeepLease.EVERY.toMillis()).isTrue();
        }
        slowLinkEnds.countDown(); // the held-up one returns, its grant older than those applied: ignored
        renewals.shutdown();
        assertThat(renewals.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(a.active()).isTrue();
        assertThat(a.epoch()).as("no other coordinator held the lease").isEqualTo(epoch);
        assertThat(stoodBy).hasValue(0);
    }

    @Test
    void withMostRenewalsOutItAsksForNoMoreAndTheWatchdogStandsItByWhenItsViewEnds() throws Exception {
        AtomicInteger stoodBy = new AtomicInteger();
        CoordinatorStore slow = slowOnce();
        Lease a = new Lease(slow, clock, "a", () -> true, () -> { }, stoodBy::incrementAndGet, renewals);
        KeepLease keep = new KeepLease(a);
        WatchLease watch = new WatchLease(a);
        step(keep);
        int before = calls.get();
        holdAll.set(true); // the store stops answering: every renewal hangs
        for (int i = 0; i < Lease.MOST_OUT + 2; i++) {
            clock.advance(Duration.ofMillis(Lease.CHECK_MS));
            keep.runOnce();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() - before == Lease.MOST_OUT);
        assertThat(calls.get() - before).as("renewals asked").isEqualTo(Lease.MOST_OUT);
        watch.runOnce();
        assertThat(a.active()).isTrue();
        clock.advance(Lease.TTL.minus(Lease.MARGIN)); // its view of the last grant ends
        watch.runOnce();
        assertThat(a.active()).isFalse();
        assertThat(stoodBy).hasValue(1);
    }
}
