package io.impetus.coordinator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.StoreUnavailableException;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a control request gets when the coordinator handling it is cut off from its store. */
class ControlAnswersTest {

    @Test
    void aRequestTheStoreCannotBeReachedForGoesBackToTheQueueRatherThanFailingItsClient(@TempDir Path dir) {
        try (CoordinatorStore real = CoordinatorStore.open(dir)) {
            AtomicBoolean cut = new AtomicBoolean(true);
            CoordinatorStore store = (CoordinatorStore) Proxy.newProxyInstance(CoordinatorStore.class.getClassLoader(),
                    new Class<?>[] {CoordinatorStore.class}, (proxy, method, args) -> {
                        if (cut.get()) {
                            throw new StoreUnavailableException("data store: cannot read stream s: The connection"
                                    + " attempt failed. (the store cannot be reached from this coordinator)", null);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            FakeBroker broker = new FakeBroker();
            SettableClock clock = new SettableClock();
            ControlHandler handler = new ControlHandler(store, new StreamTopology(broker, new Topology("t")),
                    new NodeRegistry(clock), clock, (k, s) -> { });
            List<Long> delays = new ArrayList<>();
            List<Runnable> later = new ArrayList<>();
            AtomicBoolean active = new AtomicBoolean(true);
            ControlAnswers answers = new ControlAnswers(broker, handler, null, "admin", new SimpleMeterRegistry(), clock,
                    (task, ms) -> {
                        delays.add(ms);
                        later.add(task);
                    }, active::get);
            FakeDelivery d = request();

            answers.answer(d);
            assertThat(broker.publishedTo("")).as("no store error sent to its client").isEmpty();
            assertThat(d.state()).as("held until this coordinator's lease has run out").isEqualTo(FakeDelivery.State.UNSETTLED);
            assertThat(delays).containsExactly(ControlAnswers.STORE_RETRY_MS);
            later.forEach(Runnable::run);
            assertThat(d.state()).as("back on the queue, for the coordinator that holds the lease").isEqualTo(
                    FakeDelivery.State.REQUEUED);

            active.set(false); // it stood by while the store call hung: its consumer is cancelled
            FakeDelivery late = request();
            answers.answer(late);
            assertThat(late.state()).as("held a moment: given back at once, single active consumer would hand it"
                    + " straight back here while the cancel is on its way").isEqualTo(FakeDelivery.State.UNSETTLED);
            assertThat(delays).last().isEqualTo(ControlAnswers.HAND_BACK_MS);
            later.get(later.size() - 1).run();
            assertThat(late.state()).as("back on the queue, for the coordinator that holds the lease").isEqualTo(
                    FakeDelivery.State.REQUEUED);
            assertThat(broker.publishedTo("")).isEmpty();
        }
    }

    private static FakeDelivery request() {
        return new FakeDelivery(new InboundMessage("", "control", Json.write(new ControlRequest.CreateStream("s", Map.of())),
                null, Map.of(), 0, "req-1", "amq.rabbitmq.reply-to.abc", null, "create_stream", false, "impetus"));
    }
}
