package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.job.JobUpdate;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.worker.child.InProcessJobs;
import io.impetus.worker.child.InProcessProbe;
import io.impetus.worker.child.InProcessWorker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream runner on fakes (broker, clock) with real in-process workers: jobs from a real code bundle run
 * on threads of this JVM, and end as they would in worker processes — results, errors, timeouts, cancels,
 * at most mpps at a time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InProcessRunnerTest {
    @TempDir
    Path dir;
    private CodeBundle bundle;

    @BeforeEach
    void bundleTheJobs() throws IOException {
        String path = InProcessJobs.class.getName().replace('.', '/') + ".class";
        try (InputStream in = InProcessJobs.class.getClassLoader().getResourceAsStream(path)) {
            bundle = CodeBundle.of(Map.of(path, in.readAllBytes()));
        }
        InProcessProbe.reset();
    }

    @AfterEach
    void releaseHeldJobs() {
        InProcessProbe.release.countDown();
    }

    private Engine engine(Map<String, Object> properties, int mpps) throws IOException {
        Engine e = new Engine(properties, mpps, InProcessWorker.spawner(dir.resolve("scratch")));
        Path zip = Files.write(dir.resolve(bundle.id() + ".zip"), bundle.toZip());
        e.bundles = id -> CompletableFuture.completedFuture(zip);
        e.broker.declareExchange(e.topology.resultsExchange(Engine.STREAM), ExchangeType.TOPIC, true);
        return e;
    }

    private JobEnvelope job(String function, JsonNode arg) {
        return Engine.job().name(function).function(InProcessJobs.class.getName() + "#" + function)
                .code(bundle.id()).args(arg).build();
    }

    private static List<JobEnvelope> results(Engine e) {
        return e.broker.publishedTo(e.topology.resultsExchange(Engine.STREAM)).stream()
                .filter(m -> !JobUpdate.TYPE.equals(m.type()))
                .map(m -> Json.read(WireCodec.standard().decode(m.body(), m.contentEncoding()), JobEnvelope.class))
                .toList();
    }

    private static JobEnvelope oneResult(Engine e) {
        await().atMost(Duration.ofSeconds(10)).until(() -> results(e).size() == 1);
        return results(e).get(0);
    }

    @Test
    void aJobRunsOnAThreadOfTheNodeAndItsResultGoesToItsClient() throws IOException {
        Engine e = engine(Map.of(), 1);
        FakeDelivery d = e.deliver(job("twice", IntNode.valueOf(21)));
        e.runBlocking();
        JobEnvelope done = oneResult(e);
        assertThat(done.status()).isEqualTo(JobStatus.READY);
        assertThat(done.result()).isEqualTo(IntNode.valueOf(42));
        assertThat(done.worker()).isEqualTo(ProcessHandle.current().pid()); // no child process
        await().atMost(Duration.ofSeconds(5)).until(() -> d.state() == FakeDelivery.State.ACKED);
    }

    @Test
    void anExceptionBecomesTheSameErrorResultAsInAWorkerProcess() throws IOException {
        Engine e = engine(Map.of("maxAttempts", 3), 1);
        e.deliver(job("fail", TextNode.valueOf("boom")));
        e.runBlocking();
        JobEnvelope failed = oneResult(e);
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.result().get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(failed.result().get("statement").asText()).contains(InProcessJobs.class.getName() + ".fail(InProcessJobs.java:");
        assertThat(e.requeued()).isEmpty(); // an exception is the job's answer, not a lost worker
    }

    @Test
    void aJobPastItsTimeoutHasItsThreadInterruptedAndEndsTimedOut() throws IOException {
        Engine e = engine(Map.of("jobTimeout", 1.0, "maxAttempts", 1), 1);
        FakeDelivery d = e.deliver(job("held", IntNode.valueOf(1)));
        e.runBlocking();
        await().atMost(Duration.ofSeconds(10)).until(() -> InProcessProbe.RUNNING.get() == 1);
        int abandonedBefore = InProcessWorker.abandoned();
        e.clock.advance(Duration.ofMillis(1500));
        e.runner.check();
        JobEnvelope failed = oneResult(e);
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.result().get("error").asText()).contains("timed out", "attempt 1 of 1");
        assertThat(InProcessProbe.INTERRUPTED.get()).isEqualTo(1);
        assertThat(InProcessWorker.abandoned()).isEqualTo(abandonedBefore);
        await().atMost(Duration.ofSeconds(5)).until(() -> d.state() == FakeDelivery.State.ACKED);
    }

    @Test
    void aJobThatIgnoresTheInterruptIsAbandonedCountedAndStillTimesOut() throws IOException {
        Engine e = engine(Map.of("jobTimeout", 0.5, "maxAttempts", 1), 1);
        int abandonedBefore = InProcessWorker.abandoned();
        e.deliver(job("deaf", LongNode.valueOf(3000)));
        e.runBlocking();
        await().atMost(Duration.ofSeconds(10)).until(() -> InProcessProbe.RUNNING.get() == 1);
        e.clock.advance(Duration.ofSeconds(1));
        e.runner.check();
        JobEnvelope failed = oneResult(e);
        assertThat(failed.result().get("error").asText()).contains("timed out");
        assertThat(InProcessWorker.abandoned()).isEqualTo(abandonedBefore + 1);
    }

    @Test
    void aCancelledRunningJobHasItsThreadInterruptedAndEndsCancelledWithoutARetry() throws IOException {
        Engine e = engine(Map.of("maxAttempts", 3), 1);
        JobEnvelope job = job("held", IntNode.valueOf(1));
        FakeDelivery d = e.deliver(job);
        e.runBlocking();
        await().atMost(Duration.ofSeconds(10)).until(() -> InProcessProbe.RUNNING.get() == 1);
        e.runner.cancel(new JobCancel(Engine.STREAM, job.id(), e.clock.instant(), "client alice"));
        JobEnvelope cancelled = oneResult(e);
        assertThat(cancelled.status()).isEqualTo(JobStatus.ERROR);
        assertThat(cancelled.result().get("error").asText()).isEqualTo("cancelled");
        assertThat(InProcessProbe.INTERRUPTED.get()).isEqualTo(1);
        assertThat(e.requeued()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> d.state() == FakeDelivery.State.ACKED);
    }

    @Test
    void atMostMppsJobsOfAStreamRunAtOnce() throws IOException {
        Engine e = engine(Map.of(), 2);
        List<JobEnvelope> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jobs.add(job("held", IntNode.valueOf(i)));
            e.deliver(jobs.get(i));
        }
        e.runBlocking();
        await().atMost(Duration.ofSeconds(10)).until(() -> InProcessProbe.RUNNING.get() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> InProcessProbe.RUNNING.get() == 2);
        InProcessProbe.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> results(e).size() == 5);
        assertThat(InProcessProbe.MOST.get()).isEqualTo(2);
        assertThat(results(e)).extracting(JobEnvelope::status).containsOnly(JobStatus.READY);
        assertThat(results(e)).extracting(r -> r.result().asInt()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    }

    @Test
    void progressReachesTheClientBeforeTheResult() throws IOException {
        Engine e = engine(Map.of(), 1);
        JobEnvelope job = job("reporting", IntNode.valueOf(7));
        e.deliver(job);
        e.runBlocking();
        oneResult(e);
        List<JobUpdate> updates = e.broker.publishedTo(e.topology.resultsExchange(Engine.STREAM)).stream()
                .filter(m -> JobUpdate.TYPE.equals(m.type())).map(m -> Json.read(m.body(), JobUpdate.class)).toList();
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.jobId()).isEqualTo(job.id());
            assertThat(u.fraction()).isEqualTo(0.5);
            assertThat(u.message()).isEqualTo("half way");
        });
    }
}
