package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.RecordingDelivery;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A delivery read into its jobs: one alone, a batch's each with its own part of the delivery. */
class JobPartsTest {
    private final WireCodec wire = WireCodec.standard();

    private static JobEnvelope job(String id) {
        return JobEnvelope.builder().id(id).stream("s").client("c").name("f").function("a.B#f").code("0".repeat(64))
                .args(IntNode.valueOf(1)).callback("next").build();
    }

    @Test
    void aJobThatCameAloneIsOnePartSettledByTheWholeDelivery() {
        RecordingDelivery d = new RecordingDelivery(RecordingDelivery.message(Json.write(job("j-1")), "waiting", "j-1"));
        List<JobParts.Part> parts = JobParts.read(d, wire);
        assertThat(parts).singleElement().satisfies(p -> {
            assertThat(p.job().id()).isEqualTo("j-1");
            assertThat(p.delivery()).isSameAs(d);
        });
    }

    @Test
    void aBatchIsOnePartAJobAndTheMessageIsAckedOnceEveryPartIs() {
        RecordingDelivery d = new RecordingDelivery(RecordingDelivery.message(
                JobBatch.write(List.of(job("j-1"), job("j-2"))), JobBatch.TYPE, "batch-j-1"));
        List<JobParts.Part> parts = JobParts.read(d, wire);
        assertThat(parts).extracting(p -> p.job().id()).containsExactly("j-1", "j-2");
        parts.get(0).delivery().ack();
        assertThat(d.settled()).isNull();
        parts.get(1).delivery().ack();
        assertThat(d.settled()).isEqualTo("ack");
    }

    @Test
    void oneJobOfABatchIsDeadLetteredAsItsOwnJson() {
        RecordingDelivery d = new RecordingDelivery(RecordingDelivery.message(
                JobBatch.write(List.of(job("j-1"), job("j-2"))), JobBatch.TYPE, "batch-j-1"));
        JobParts.Part second = JobParts.read(d, wire).get(1);
        assertThat(JobParts.alone(second.delivery(), second.job()).message().messageId()).isEqualTo("j-2");
        assertThat(Json.read(JobParts.alone(second.delivery(), second.job()).message().body(), JobEnvelope.class).id())
                .isEqualTo("j-2");
    }

    @Test
    void anUnreadableMessageThrowsWithTheReasonAndIsLeftToTheCaller() {
        RecordingDelivery d = new RecordingDelivery(RecordingDelivery.message(
                "{not json".getBytes(StandardCharsets.UTF_8), null, "garbage-1"));
        assertThatThrownBy(() -> JobParts.read(d, wire)).isInstanceOf(RuntimeException.class);
        assertThat(d.settled()).isNull();
        RecordingDelivery batch = new RecordingDelivery(RecordingDelivery.message(
                "[]".getBytes(StandardCharsets.UTF_8), JobBatch.TYPE, "batch-0"));
        assertThatThrownBy(() -> JobParts.read(batch, wire)).hasMessageContaining("a batch must hold 1 to");
    }
}
