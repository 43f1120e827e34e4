package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.worker.protocol.WorkerUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A running job's updates on a node, on fakes: sent on to its client, rate-limited, kept for the heartbeat. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JobUpdatesTest {

    /** An engine whose stream's results exchange exists, as its client declares it (updates are never repaired). */
    private static Engine engine() {
        Engine e = new Engine(Map.of(), 1);
        e.broker.declareExchange(e.topology.resultsExchange(Engine.STREAM), ExchangeType.TOPIC, true);
        return e;
    }

    private static List<JobUpdate> sent(Engine e) {
        return e.broker.publishedTo(e.topology.resultsExchange(Engine.STREAM)).stream()
                .filter(m -> JobUpdate.TYPE.equals(m.type())).map(OutboundMessage::body)
                .map(b -> Json.read(b, JobUpdate.class)).toList();
    }

    @Test
    void progressAndOutputGoToTheJobsClientAndTheLatestIsKeptForTheHeartbeat() {
        Engine e = engine();
        JobEnvelope job = Engine.job().build();
        e.deliver(job);
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.update(0.25, "a quarter", "line 1\n");
        assertThat(sent(e)).singleElement().satisfies(u -> {
            assertThat(u.jobId()).isEqualTo(job.id());
            assertThat(u.client()).isEqualTo(Engine.CLIENT);
            assertThat(u.fraction()).isEqualTo(0.25);
            assertThat(u.message()).isEqualTo("a quarter");
            assertThat(u.output()).isEqualTo("line 1\n");
            assertThat(u.worker()).isEqualTo(w.pid());
        });
        assertThat(e.broker.publishedTo(e.topology.resultsExchange(Engine.STREAM)).get(0).routingKey())
                .isEqualTo(Engine.CLIENT);

        e.clock.advance(Duration.ofMillis(100));
        w.update(0.5, "half", null); // progress only, too soon: kept, not sent
        w.update(null, null, "line 2\n"); // output always goes
        assertThat(sent(e)).hasSize(2);
        assertThat(sent(e).get(1).output()).isEqualTo("line 2\n");
        assertThat(sent(e).get(1).fraction()).isNull();
        assertThat(e.runner.jobs()).singleElement().satisfies(u -> {
            assertThat(u.fraction()).isEqualTo(0.5);
            assertThat(u.message()).isEqualTo("half");
            assertThat(u.output()).isEqualTo("line 1\nline 2\n");
        });

        e.clock.advance(Duration.ofMillis(200));
        w.update(1.0, "done", null);
        assertThat(sent(e)).hasSize(3);
        w.succeed(IntNode.valueOf(1));
        assertThat(e.runner.jobs()).isEmpty();
    }

    @Test
    void aBadProgressOrAnUpdateOfAnotherJobIsDropped() {
        Engine e = engine();
        e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.update(1.5, "too far", null);
        assertThat(sent(e)).isEmpty();
        w.listener.update(w, WorkerUpdate.of("another-job", 0.5, "x", "y"));
        assertThat(sent(e)).isEmpty();
        assertThat(e.runner.jobs()).singleElement().satisfies(u -> assertThat(u.fraction()).isNull());
    }

    @Test
    void aJobsOutputIsSentOnOnlyUpToTheLimitAndTheHeartbeatKeepsItsTail() {
        Engine e = engine();
        e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        String chunk = "x".repeat(64 * 1024);
        for (int i = 0; i < 5; i++) {
            w.update(null, null, chunk);
        }
        long forwarded = sent(e).stream().mapToLong(u -> u.output().length()).sum();
        assertThat(forwarded).isEqualTo(WorkerUpdates.MAX_OUTPUT_FORWARDED);
        assertThat(sent(e)).hasSize(4);
        assertThat(e.runner.jobs().get(0).output()).hasSize(NodeStatus.MAX_OUTPUT_REPORTED);
    }
}
