package io.impetus.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.RecordingDelivery;
import io.impetus.core.codec.WireCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's message carries its id, priority and status, and reads back to the same jobs. */
class JobMessagesTest {
    private final WireCodec wire = WireCodec.standard();

    private static JobEnvelope job(String id, int priority, String arg) {
        return JobEnvelope.builder().id(id).stream("s").client("c").name("f").function("a.B#f").code("0".repeat(64))
                .args(TextNode.valueOf(arg)).callback("next").priority(priority).build();
    }

    private static RecordingDelivery received(OutboundMessage m) {
        return new RecordingDelivery(new InboundMessage("", m.routingKey(), m.body(),
                m.contentEncoding(), m.headers(), m.priority(), null, null, m.messageId(), m.type(), false, null));
    }

    @Test
    void aJobsMessageHasItsIdPriorityAndStatusAndReadsBack() {
        OutboundMessage m = JobMessages.single(OutboundMessage.toQueue("q"), job("j-1", 4, "x"), wire).build();
        assertThat(m.messageId()).isEqualTo("j-1");
        assertThat(m.priority()).isEqualTo(4);
        assertThat(m.type()).isEqualTo("waiting");
        assertThat(m.contentEncoding()).isNull(); // small: sent plain
        assertThat(JobParts.read(received(m), wire)).extracting(p -> p.job().id()).containsExactly("j-1");
    }

    @Test
    void aLargeJobIsCompressedAndStillReadsBack() {
        OutboundMessage m = JobMessages.single(OutboundMessage.toQueue("q"), job("j-2", 0, "y".repeat(5000)), wire)
                .build();
        assertThat(m.contentEncoding()).isEqualTo(WireCodec.DEFLATE);
        assertThat(JobParts.read(received(m), wire).get(0).job().args().asText()).hasSize(5000);
    }

    @Test
    void severalJobsAreOneBatchMessageNamedForTheFirst() {
        OutboundMessage m = JobMessages.batch(OutboundMessage.toQueue("q"),
                List.of(job("j-1", 3, "a"), job("j-2", 3, "b")), wire).build();
        assertThat(m.messageId()).isEqualTo("batch-j-1");
        assertThat(m.type()).isEqualTo(JobBatch.TYPE);
        assertThat(m.priority()).isEqualTo(3);
        assertThat(JobParts.read(received(m), wire)).extracting(p -> p.job().id()).containsExactly("j-1", "j-2");
    }
}
