package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTallyTest {

    private static JobEnvelope result(int i, JobStatus status) {
        return JobEnvelope.builder().id("j" + i).stream("s").client("c").name("f").args(Json.tree(i)).code("x")
                .created(Instant.now()).function("F#f").build().startedBy("node", 1)
                .finished(status, Json.tree(status == JobStatus.ERROR ? "boom" : i));
    }

    private static InboundMessage message(String type, byte[] body, String encoding) {
        return new InboundMessage("impetus.s.results", "c", body, encoding, Map.of(), 0, null, null, "m", type, false,
                null);
    }

    @Test
    void aBatchCountsAsTheJobsItHoldsEachByItsStatus() {
        List<JobEnvelope> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jobs.add(result(i, i % 50 == 0 ? JobStatus.ERROR : JobStatus.READY));
        }
        WireCodec.Encoded batch = WireCodec.standard().encode(JobBatch.write(jobs)); // large: deflated
        assertThat(batch.contentEncoding()).isEqualTo(WireCodec.DEFLATE);
        ResultTally tally = new ResultTally();
        tally.count(message(JobBatch.TYPE, batch.body(), batch.contentEncoding()));
        tally.count(message("ready", Json.write(result(900, JobStatus.READY)), null));
        tally.count(message("error", Json.write(result(901, JobStatus.ERROR)), null));

        assertThat(tally.done()).isEqualTo(197);
        assertThat(tally.errors()).isEqualTo(5);
        assertThat(tally.unreadable()).isZero();
    }

    @Test
    void theLostQueueNoticeAndAnUnreadableBatchAreNoResults() {
        ResultTally tally = new ResultTally();
        tally.count(message(Topology.LOST_TYPE, new byte[0], null));
        tally.count(message(JobBatch.TYPE, "[not json".getBytes(StandardCharsets.UTF_8), null));
        tally.count(message(JobBatch.TYPE, "[]".getBytes(StandardCharsets.UTF_8), null));

        assertThat(tally.done()).isZero();
        assertThat(tally.errors()).isZero();
        assertThat(tally.unreadable()).isEqualTo(2);
    }
}
