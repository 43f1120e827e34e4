package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.testkit.fake.FakeDelivery;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cancels on a node, on fakes: a waiting job never starts, a running one loses its worker, one outcome each. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CancelTest {

    private static JobCancel cancelOf(Engine e, String jobId) {
        return new JobCancel(Engine.STREAM, jobId, e.clock.instant(), "client alice");
    }

    private static void assertOneCancelledResult(Engine e, String jobId) {
        assertThat(e.results()).filteredOn(j -> j.id().equals(jobId)).singleElement().satisfies(j -> {
            assertThat(j.status()).isEqualTo(JobStatus.ERROR);
            assertThat(j.result().get("error").asText()).isEqualTo("cancelled");
            assertThat(j.result().get("statement").asText()).isEqualTo("cancelled by client alice");
        });
    }

    @Test
    void aCancelledJobWaitingInTheBufferNeverStartsAndItsClientGetsOneCancelledError() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery running = e.deliver(Engine.job().build());
        e.runBlocking();
        JobEnvelope waiting = Engine.job().build();
        FakeDelivery d = e.deliver(waiting);
        e.runner.cancel(cancelOf(e, waiting.id()));
        assertOneCancelledResult(e, waiting.id());
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        e.worker(0).succeed(IntNode.valueOf(9));
        assertThat(e.worker(0).tasks).extracting(t -> t.jobId()).containsExactly(running.message().messageId());
        assertThat(e.deadLetters()).isEmpty();
        assertThat(e.broker.unsettled()).isEmpty();
    }

    @Test
    void aJobTakenFromTheQueueAfterItsCancelNeverStarts() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope job = Engine.job().build();
        e.cancels.add(cancelOf(e, job.id())); // heard before the job came from the queue
        FakeDelivery d = e.deliver(job);
        e.runBlocking();
        assertThat(e.workers).isEmpty();
        assertOneCancelledResult(e, job.id());
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
    }

    @Test
    void aRunningJobHasItsWorkerKilledAndEndsAsCancelledWithoutARetry() {
        Engine e = new Engine(Map.of("maxAttempts", 3), 1);
        JobEnvelope job = Engine.job().build();
        FakeDelivery d = e.deliver(job);
        e.runBlocking();
        FakeWorker w = e.worker(0);
        assertThat(w.current().jobId()).isEqualTo(job.id());
        e.runner.cancel(cancelOf(e, job.id()));
        assertThat(w.killed).isTrue();
        assertOneCancelledResult(e, job.id());
        assertThat(e.results()).singleElement().satisfies(j -> assertThat(j.worker()).isEqualTo(w.pid()));
        assertThat(e.requeued()).isEmpty();
        assertThat(e.deadLetters()).isEmpty();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
    }

    @Test
    void anOutcomeThatComesAfterTheCancelIsIgnored() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope job = Engine.job().build();
        e.deliver(job);
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.exitsWhenKilled = false;
        e.runner.cancel(cancelOf(e, job.id()));
        w.succeed(IntNode.valueOf(9)); // the job ended just as it was cancelled: the cancel came first
        w.die(137);
        assertOneCancelledResult(e, job.id());
        assertThat(e.results()).hasSize(1);
    }

    @Test
    void aCancelThatComesAfterTheJobEndedChangesNothing() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope job = Engine.job().build();
        e.deliver(job);
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.succeed(IntNode.valueOf(9));
        e.runner.cancel(cancelOf(e, job.id()));
        assertThat(w.killed).isFalse();
        assertThat(e.results()).singleElement().satisfies(j -> assertThat(j.status()).isEqualTo(JobStatus.READY));
    }

    @Test
    void aStreamWideCancelStopsTheJobsForkedUpToItButNotLaterOnes() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope old = Engine.job().created(e.clock.instant()).build();
        e.clock.advance(Duration.ofSeconds(1));
        JobCancel all = new JobCancel(Engine.STREAM, null, e.clock.instant(), "the admin");
        e.cancels.add(all);
        e.clock.advance(Duration.ofSeconds(1));
        JobEnvelope later = Engine.job().created(e.clock.instant()).build();
        e.deliver(old);
        e.deliver(later);
        e.runBlocking();
        assertThat(e.worker(0).tasks).extracting(t -> t.jobId()).containsExactly(later.id());
        assertThat(e.results()).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(old.id());
            assertThat(j.result().get("statement").asText()).isEqualTo("cancelled by the admin");
        });
    }

    @Test
    void aCancelOfAnotherStreamOrJobLeavesTheJobAlone() {
        Engine e = new Engine(Map.of(), 1);
        JobEnvelope job = Engine.job().build();
        e.cancels.add(new JobCancel("other", job.id(), e.clock.instant(), "the admin"));
        e.deliver(job);
        e.runBlocking();
        e.runner.cancel(cancelOf(e, "not-" + job.id()));
        assertThat(e.worker(0).killed).isFalse();
        assertThat(e.worker(0).current().jobId()).isEqualTo(job.id());
    }

    @Test
    void aNodeKeepsABoundedNumberOfCancelsForABoundedTime() {
        Engine e = new Engine(Map.of(), 1);
        Cancels cancels = new Cancels(e.clock, 2, Duration.ofHours(1));
        JobEnvelope a = Engine.job().build();
        JobEnvelope b = Engine.job().build();
        JobEnvelope c = Engine.job().build();
        for (JobEnvelope j : new JobEnvelope[] {a, b, c}) {
            assertThat(cancels.add(cancelOf(e, j.id()))).isTrue();
        }
        assertThat(cancels.add(cancelOf(e, c.id()))).isFalse(); // heard twice (event, then the list)
        assertThat(cancels.of(a)).isEmpty(); // the oldest went first
        assertThat(cancels.of(b)).isPresent();
        e.clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(cancels.of(c)).isEmpty();
    }
}
