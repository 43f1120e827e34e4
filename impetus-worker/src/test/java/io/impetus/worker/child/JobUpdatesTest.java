package io.impetus.worker.child;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.impetus.core.codec.Json;
import io.impetus.worker.protocol.Frames;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The worker's side of a job's updates: rate-limited frames, the rest before the outcome, bounded output. */
class JobUpdatesTest {
    private final ByteArrayOutputStream frames = new ByteArrayOutputStream();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final JobOutput output = new JobOutput(log);
    private final PrintStream printed = output.printStream();
    private final JobUpdates updates = new JobUpdates(new DataOutputStream(frames), output, nanos::get);

    private List<WorkerUpdate> sent() throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frames.toByteArray()));
        List<WorkerUpdate> all = new ArrayList<>();
        for (WorkerUpdate u = Frames.read(in, WorkerUpdate.class); u != null; u = Frames.read(in, WorkerUpdate.class)) {
            all.add(u);
        }
        return all;
    }

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Test
    void reportsWithinTheIntervalWaitAndTheLastGoesBeforeTheOutcome() throws Exception {
        updates.begin("j1");
        printed.println("hello");
        updates.progress(0.1, "first");
        advanceMillis(100);
        updates.progress(0.2, "second"); // too soon: kept
        updates.tick();
        assertThat(sent()).hasSize(1);
        advanceMillis(200);
        updates.tick(); // the interval has passed: the kept report goes
        advanceMillis(10);
        updates.progress(0.9, "last");
        updates.end();
        assertThat(sent()).extracting(WorkerUpdate::fraction).containsExactly(0.1, 0.2, 0.9);
        assertThat(sent()).extracting(WorkerUpdate::jobId).containsOnly("j1");
        assertThat(sent()).extracting(WorkerUpdate::type).containsOnly("update");
        assertThat(sent().get(0).output()).isEqualTo("hello" + System.lineSeparator());
        assertThat(log.toString()).isEqualTo("hello" + System.lineSeparator()); // the node's log still gets it
    }

    @Test
    void aReportBetweenJobsIsNoJobsAndOutputIsCapturedOnlyWhileAJobRuns() throws Exception {
        printed.println("before");
        updates.progress(0.5, "stray");
        updates.begin("j2");
        updates.end();
        printed.println("after");
        updates.tick();
        assertThat(sent()).isEmpty();
        assertThat(log.toString()).contains("before", "after");
    }

    @Test
    void aJobsOutputIsKeptUpTo256KiBThenSaysItWasCut() throws Exception {
        updates.begin("j3");
        printed.print("x".repeat(JobOutput.MAX_PER_JOB + 10));
        updates.end();
        String out = sent().get(0).output();
        assertThat(out).hasSize(JobOutput.MAX_PER_JOB + JobOutput.CUT.length()).endsWith(JobOutput.CUT);
        assertThat(log.size()).isEqualTo(JobOutput.MAX_PER_JOB + 10);
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = JsonNodeFactory.instance.arrayNode();
        ArrayNode at = root;
        for (int i = 1; i < depth; i++) {
            at = at.addArray();
        }
        return root;
    }

    @Test
    void anOutcomeThatCannotBeWrittenGoesAsAnErrorSayingWhyAndTheStreamStaysWhole() throws Exception {
        updates.writeOutcome(new WorkerOutcome("deep", 7, true, nested(Json.MAX_WRITE_NESTING + 5), null, false), "f");
        updates.writeOutcome(new WorkerOutcome("fine", 7, true, nested(10), null, false), "f");

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frames.toByteArray()));
        WorkerOutcome deep = Frames.read(in, WorkerOutcome.class);
        assertThat(deep.jobId()).isEqualTo("deep");
        assertThat(deep.ok()).isFalse();
        assertThat(deep.error().error()).contains("outcome of job deep cannot be sent to its node").contains("nesting");
        assertThat(deep.error().name()).isEqualTo("f");
        WorkerOutcome fine = Frames.read(in, WorkerOutcome.class);
        assertThat(fine.ok()).isTrue();
        assertThat(fine.result()).isEqualTo(nested(10));
        assertThat(Frames.read(in, WorkerOutcome.class)).isNull();
    }
}
