package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.Limits;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeDelivery;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages in a jobs queue that are not runnable jobs: each is dead-lettered whole, with the
 * reason, before any worker sees it; the stream goes on with the next good job.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class InvalidInputTest {

    private static void assertDeadLetteredAndStreamGoesOn(Engine e, FakeDelivery bad, String reasonContains) {
        assertThat(bad.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.deadLetters()).hasSize(1);
        assertThat(e.deadLetters().get(0).headers().get(Topology.REASON_HEADER).toString()).contains(reasonContains);
        assertThat(e.deadLetters().get(0).body()).isEqualTo(bad.message().body());
        assertThat(e.workers).isEmpty();
        FakeDelivery good = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(1));
        assertThat(good.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.broker.unsettled()).isEmpty();
    }

    @Test
    void aDecompressionBombIsDeadLetteredNamingTheLimitNotAnOutOfMemoryError() throws Exception {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(bomb, new Deflater(9))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 80; i++) { // 80 MiB of zeros (over the 64 MiB default), 80 KB on the wire
                z.write(zeros);
            }
        }
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery bad = e.deliver(bomb.toByteArray(), "deflate", "bomb");
        assertDeadLetteredAndStreamGoesOn(e, bad, Limits.ENV_MAX_INFLATED_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{}", "[1,2]", "null", "{\"id\":\"x\",\"stream\":\"s1\",\"name\":\"n\"}"})
    void garbageAndWrongShapesAreDeadLettered(String body) {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery bad = e.deliver(body.getBytes(StandardCharsets.UTF_8), null, "garbage");
        assertDeadLetteredAndStreamGoesOn(e, bad, "");
    }

    @Test
    void anUnknownContentEncodingIsDeadLettered() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery bad = e.deliver(Json.write(Engine.job().build()), "gzip", "gz");
        assertDeadLetteredAndStreamGoesOn(e, bad, "content_encoding");
    }

    @Test
    void aJobThatIsAlreadyReadyOrProcessingIsDeadLetteredBeforeItRuns() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope ready = Engine.job().status(JobStatus.PROCESSING).build();
        FakeDelivery bad = e.deliver(ready);
        assertDeadLetteredAndStreamGoesOn(e, bad, "status 'processing'");

        Engine e2 = new Engine(Map.of(), 1);
        JobEnvelope done = Engine.job().build().startedBy("n", 1).finished(JobStatus.READY, null);
        assertDeadLetteredAndStreamGoesOn(e2, e2.deliver(done), "status 'ready'");
    }

    @Test
    void aClientIdNoResultsQueueCanHaveIsDeadLetteredBeforeItRuns() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery bad = e.deliver(Engine.job().client("no such/client").build());
        assertDeadLetteredAndStreamGoesOn(e, bad, "client id");
    }

    @Test
    void anIdLongerThanAnyQueueOrColumnTakesIsDeadLettered() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery bad = e.deliver(Engine.job().id("x".repeat(300)).build());
        assertDeadLetteredAndStreamGoesOn(e, bad, "job id");
    }

    @Test
    void aJobOfAnotherStreamOrWithoutFunctionOrBundleIsDeadLettered() {
        Engine e = new Engine(Map.of(), 1);
        assertDeadLetteredAndStreamGoesOn(e, e.deliver(Engine.job().stream("other").build()), "arrived on stream 's1'");
        Engine e2 = new Engine(Map.of(), 1);
        assertDeadLetteredAndStreamGoesOn(e2, e2.deliver(Engine.job().function(null).build()), "function");
        Engine e3 = new Engine(Map.of(), 1);
        assertDeadLetteredAndStreamGoesOn(e3, e3.deliver(Engine.job().code("../../etc").build()), "code bundle id");
        Engine e4 = new Engine(Map.of(), 1);
        assertDeadLetteredAndStreamGoesOn(e4, e4.deliver(Engine.job().priority(100000).build()), "priority");
    }

    @Test
    void eightyInvalidJobsDoNotFreezeTheStream() {
        Engine e = new Engine(Map.of(), 1);
        for (int i = 0; i < 80; i++) {
            e.deliver(Engine.job().status(JobStatus.PROCESSING).build());
        }
        assertThat(e.deadLetters()).hasSize(80);
        FakeDelivery good = e.deliver(Engine.job().build());
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(1));
        assertThat(good.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.broker.unsettled()).isEmpty();
    }
}
