package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.FakeInstallation;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many streams opened together, and the call ending early (the caller interrupted, a request that cannot be
 * sent): the caller gets a clear exception and keeps its interrupt, and no stream is subscribed after the
 * call has returned — the subscriptions not started are cancelled, those under way awaited.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OpenStreamsEndTest {
    private final FakeInstallation fake = new FakeInstallation();
    /** Subscriptions (results consumers) wait here until released. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger waitingToConsume = new AtomicInteger();
    private final AtomicBoolean returned = new AtomicBoolean();
    /** Results queues whose consumer was made after openStreams had returned. */
    private final List<String> consumedAfterReturn = new CopyOnWriteArrayList<>();
    private final AtomicInteger createRequests = new AtomicInteger();
    private volatile int refuseToSendCreate = -1;
    private ClientSession session;

    /** The fake broker, with its results consumers held at {@link #release} and create_stream number N refused. */
    private Broker broker() {
        return (Broker) Proxy.newProxyInstance(Broker.class.getClassLoader(), new Class<?>[] {Broker.class},
                (proxy, method, args) -> {
                    boolean resultsConsume = method.getName().equals("consume")
                            && ((String) args[0]).contains(".results.");
                    if (resultsConsume) {
                        waitingToConsume.incrementAndGet();
                        release.await();
                    }
                    if (method.getName().equals("request") && "create_stream".equals(((OutboundMessage) args[0]).type())
                            && createRequests.getAndIncrement() == refuseToSendCreate) {
                        throw new BrokerException(BrokerException.Kind.PROTOCOL, "cannot open the RPC channel: closed",
                                null);
                    }
                    try {
                        Object result = method.invoke(fake.broker, args);
                        if (resultsConsume && returned.get()) {
                            consumedAfterReturn.add((String) args[0]);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private ClientSession open() {
        session = new ClientSession(new SessionOptions(fake.settings, "c1", Map.of(), Clock.systemUTC(), null, 100,
                new SimpleMeterRegistry(), null, Duration.ofDays(7)), broker());
        return session;
    }

    /** openStreams on a thread of its own: what it threw, and whether its thread was interrupted at the end. */
    private Thread openOnThread(List<String> ids, AtomicReference<Throwable> thrown, AtomicBoolean interruptKept) {
        ClientSession s = open();
        Thread caller = new Thread(() -> {
            try {
                s.openStreams(ids, Map.of(), new FutureResults());
            } catch (Throwable e) {
                thrown.set(e);
            } finally {
                returned.set(true);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        }, "caller");
        caller.start();
        return caller;
    }

    @AfterEach
    void close() {
        release.countDown();
        if (session != null) {
            session.close();
        }
    }

    @Test
    void anInterruptedCallerGetsAnImpetusExceptionKeepsItsInterruptAndNothingIsSubscribedAfterItReturns()
            throws InterruptedException {
        List<String> ids = IntStream.range(0, StreamSubscriptions.SUBSCRIBE_THREADS + 12).mapToObj(i -> "s-" + i).toList();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread caller = openOnThread(ids, thrown, interruptKept);
        await().until(() -> waitingToConsume.get() == StreamSubscriptions.SUBSCRIBE_THREADS);

        caller.interrupt();
        // once the caller has taken the interrupt (it waits for the subscriptions under way), they finish
        await().until(() -> caller.getState() == Thread.State.TIMED_WAITING || !caller.isAlive());
        release.countDown();
        caller.join();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("impetus-open-streams")));

        assertThat(thrown.get()).isInstanceOf(ImpetusException.class).hasMessageContaining("interrupted while opening streams");
        assertThat(interruptKept).isTrue();
        assertThat(consumedAfterReturn).as("subscribed after openStreams returned").isEmpty();
        assertThat(ids).filteredOn(id -> fake.consuming(id, "c1")).hasSize(StreamSubscriptions.SUBSCRIBE_THREADS);
        session.close(); // the streams subscribed before the interrupt are the client's, and closed with it
        assertThat(ids).allSatisfy(id -> assertThat(fake.broker.activeConsumers(fake.topology.resultsQueue(id, "c1")))
                .as(id).isZero());
    }

    @Test
    void aRequestThatCannotBeSentIsThrownNamingItsStreamOnceTheStreamsBeforeItAreSubscribed()
            throws InterruptedException {
        refuseToSendCreate = 3;
        List<String> ids = List.of("s-0", "s-1", "s-2", "s-3", "s-4");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread caller = openOnThread(ids, thrown, interruptKept);
        await().until(() -> waitingToConsume.get() == 3);

        release.countDown();
        caller.join();
        await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("impetus-open-streams")));

        assertThat(thrown.get()).isInstanceOf(BrokerException.class).hasMessageContaining("'s-3'")
                .hasMessageContaining("cannot open the RPC channel");
        assertThat(((BrokerException) thrown.get()).kind()).isEqualTo(BrokerException.Kind.PROTOCOL);
        assertThat(interruptKept).isFalse();
        assertThat(consumedAfterReturn).as("subscribed after openStreams returned").isEmpty();
        assertThat(ids).filteredOn(id -> fake.consuming(id, "c1")).containsExactly("s-0", "s-1", "s-2");
    }
}
