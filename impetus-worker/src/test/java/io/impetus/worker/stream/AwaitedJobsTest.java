package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.testkit.fake.FakeDelivery;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A job other jobs may wait for: its result goes to the coordinator's done queue too, and it is acked after both. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AwaitedJobsTest {

    @Test
    void anAwaitedJobsResultGoesToTheDoneQueueAndToItsClient() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.declareQueue(QueueSpec.durable(e.topology.doneQueue(), Map.of()));
        FakeDelivery awaited = e.deliver(Engine.job().transport(JobEnvelope.AWAITED).build());
        FakeDelivery plain = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(4));
        e.worker(0).succeed(IntNode.valueOf(5));
        assertThat(awaited.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(plain.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.broker.publishedTo("")).filteredOn(m -> m.routingKey().equals(e.topology.doneQueue()))
                .singleElement().satisfies(m -> assertThat(m.messageId()).isEqualTo(awaited.message().messageId()));
        assertThat(e.results()).extracting(JobEnvelope::status).containsOnly(JobStatus.READY).hasSize(2);
    }

    @Test
    void anAwaitedJobWhoseDoneNoticeCannotBeSentIsNotAckedAndItsClientGetsNothingYet() {
        Engine e = new Engine(Map.of(), 1); // no done queue: the notice is not routed
        FakeDelivery awaited = e.deliver(Engine.job().transport(JobEnvelope.AWAITED).build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(4));
        assertThat(awaited.state()).isNotEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.results()).isEmpty();
    }
}
