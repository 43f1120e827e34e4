package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.SharedDelivery;
import io.impetus.core.job.JobEnvelope;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Results go at once when nothing is in flight for their client, and together while something is. */
class ResultBatcherTest {
    private final List<List<String>> published = new ArrayList<>();
    private final List<CompletableFuture<Void>> confirms = new ArrayList<>();
    private final Map<String, Throwable> settled = new HashMap<>();
    private final ResultBatcher batcher = new ResultBatcher(items -> {
        published.add(items.stream().map(i -> i.done().id()).toList());
        CompletableFuture<Void> f = new CompletableFuture<>();
        confirms.add(f);
        return f;
    }, (items, e) -> items.forEach(item -> settled.put(item.done().id(), e)));

    private static JobEnvelope result(String id, String client) {
        return JobEnvelope.builder().id(id).stream("s").client(client).name("f").function("a.B#f").code("0".repeat(64))
                .build();
    }

    private static Delivery delivery() {
        return new FakeDelivery(FakeBroker.message(new byte[0], null, "m"));
    }

    @Test
    void aLoneResultGoesAtOnceAndTheOnesThatFinishMeanwhileGoTogether() {
        batcher.add(result("a1", "a"), delivery());
        assertThat(published).containsExactly(List.of("a1"));
        batcher.add(result("a2", "a"), delivery());
        batcher.add(result("a3", "a"), delivery());
        batcher.add(result("b1", "b"), delivery()); // another client does not wait for a's confirm
        assertThat(published).containsExactly(List.of("a1"), List.of("b1"));
        assertThat(batcher.waiting()).isEqualTo(2);

        confirms.get(0).complete(null);
        assertThat(settled).containsEntry("a1", null).doesNotContainKey("a2");
        assertThat(published).containsExactly(List.of("a1"), List.of("b1"), List.of("a2", "a3"));

        confirms.get(2).completeExceptionally(new IllegalStateException("nack"));
        assertThat(settled.get("a2")).hasMessage("nack");
        assertThat(settled.get("a3")).hasMessage("nack");
        confirms.get(1).complete(null);
        assertThat(batcher.waiting()).isZero();

        batcher.add(result("a4", "a"), delivery());
        assertThat(published).hasSize(4).last().isEqualTo(List.of("a4"));
    }

    @Test
    void aPartOfASharedDeliveryThatAsksForARequeueRequeuesTheWholeMessageOnceAllAreSettled() {
        FakeDelivery whole = new FakeDelivery(FakeBroker.message(new byte[0], null, "m"));
        List<Delivery> parts = SharedDelivery.split(whole, 3);
        parts.get(0).ack();
        parts.get(0).reject(true); // a second settle of one part is ignored
        parts.get(1).reject(false);
        assertThat(whole.settled()).isFalse();
        parts.get(2).ack();
        assertThat(whole.state()).isEqualTo(FakeDelivery.State.ACKED);

        FakeDelivery again = new FakeDelivery(FakeBroker.message(new byte[0], null, "m"));
        List<Delivery> two = SharedDelivery.split(again, 2);
        two.get(0).reject(true);
        two.get(1).ack();
        assertThat(again.state()).isEqualTo(FakeDelivery.State.REQUEUED);
    }
}
