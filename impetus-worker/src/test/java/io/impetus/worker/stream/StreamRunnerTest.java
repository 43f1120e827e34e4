package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.error.BrokerException;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.Permits;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.worker.protocol.WorkerOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream engine on fakes: a broker in memory, fake workers, a settable clock. No sleeps. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StreamRunnerTest {

    @Test
    void runsTheHighestPriorityJobFirstAndSettlesEachOnceItsResultIsConfirmed() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery low = e.deliver(Engine.job().priority(1).build());
        FakeDelivery high = e.deliver(Engine.job().priority(7).build());
        FakeDelivery mid = e.deliver(Engine.job().priority(4).build());
        e.runBlocking(); // the one worker starts: it takes the highest priority
        FakeWorker w = e.worker(0);
        assertThat(w.current().jobId()).isEqualTo(high.message().messageId());
        w.succeed(IntNode.valueOf(9));
        assertThat(high.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(w.current().jobId()).isEqualTo(mid.message().messageId());
        w.succeed(IntNode.valueOf(9));
        assertThat(w.current().jobId()).isEqualTo(low.message().messageId());
        w.succeed(IntNode.valueOf(9));
        assertThat(e.broker.unsettled()).isEmpty();
        assertThat(e.results()).extracting(JobEnvelope::status).containsOnly(JobStatus.READY);
        assertThat(e.results()).extracting(JobEnvelope::attempts).containsOnly(1);
        assertThat(e.broker.publishedTo(e.topology.resultsExchange(Engine.STREAM)))
                .extracting(OutboundMessage::routingKey).containsOnly(Engine.CLIENT);
    }

    @Test
    void aJobIsProcessingOnThisNodeAndItsWorkerFromTheMomentTheWorkerGetsIt() throws Exception {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        assertThat(w.current().jobId()).isEqualTo(d.message().messageId());
        assertThat(e.runner.running().get(5, TimeUnit.SECONDS)).singleElement().satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(job.node()).isEqualTo("node-1");
            assertThat(job.worker()).isEqualTo(w.pid());
            assertThat(job.attempts()).isEqualTo(1);
        });
        w.succeed(IntNode.valueOf(9));
        assertThat(e.runner.running().get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(e.results()).singleElement().satisfies(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.READY);
            assertThat(job.worker()).isEqualTo(w.pid());
            assertThat(job.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aWorkerRestsForTheStreamsFrequencyBetweenTwoJobs() {
        Engine e = new Engine(Map.of("frequency", 2.0), 1);
        e.deliver(Engine.job().build());
        e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.succeed(IntNode.valueOf(1));
        assertThat(w.tasks).hasSize(1);
        e.timer.advance(Duration.ofMillis(1999));
        assertThat(w.tasks).hasSize(1);
        e.timer.advance(Duration.ofMillis(1));
        assertThat(w.tasks).hasSize(2);
        assertThat(e.runner.load().workers()).isEqualTo(1);
    }

    @Test
    void aJobPastItsTimeoutIsKilledAndRetriedThenFailsForGoodAfterMaxAttempts() {
        Engine e = new Engine(Map.of("jobTimeout", 1.0, "maxAttempts", 2), 1);
        FakeDelivery first = e.deliver(Engine.job().build());
        e.runBlocking();
        e.clock.advance(Duration.ofMillis(1500));
        e.runner.check();
        assertThat(e.worker(0).killed).isTrue();
        assertThat(first.state()).isEqualTo(FakeDelivery.State.ACKED); // acked once the retry is confirmed
        JobEnvelope retry = e.requeued().get(0);
        assertThat(retry.status()).isEqualTo(JobStatus.WAITING);
        assertThat(retry.attempts()).isEqualTo(1);

        FakeDelivery second = e.broker.deliveries().get(1); // the broker hands the retry back, as RabbitMQ does
        assertThat(second.message().messageId()).isEqualTo(retry.id());
        e.runBlocking();
        e.clock.advance(Duration.ofMillis(1500));
        e.runner.check();
        assertThat(second.state()).isEqualTo(FakeDelivery.State.ACKED);
        JobEnvelope failed = e.results().get(0);
        assertThat(failed.status()).isEqualTo(JobStatus.ERROR);
        assertThat(failed.result().get("error").asText()).contains("timed out", "attempt 2 of 2");
        assertThat(e.deadLetters()).hasSize(1);
        assertThat(e.deadLetters().get(0).headers().get(Topology.REASON_HEADER).toString()).contains("timed out");
    }

    @Test
    void drainWaitsForTheRunningJobAndGivesBufferedOnesBack() throws Exception {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery running = e.deliver(Engine.job().build());
        e.runBlocking();
        FakeDelivery buffered = e.deliver(Engine.job().build());
        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> e.runner.drain(Duration.ofSeconds(10)));
        // the buffered job goes back at once; the running one is waited for
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> buffered.state() == FakeDelivery.State.REQUEUED);
        assertThat(drained).isNotDone();
        e.worker(0).succeed(IntNode.valueOf(1));
        drained.get(5, TimeUnit.SECONDS);
        assertThat(running.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.worker(0).retired).isTrue();
        assertThat(e.broker.unsettled()).isEmpty();
    }

    @Test
    void drainPastItsGraceKillsTheWorkerAndRequeuesTheJob() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery running = e.deliver(Engine.job().build());
        e.runBlocking();
        e.runner.drain(Duration.ofMillis(50));
        assertThat(running.state()).isEqualTo(FakeDelivery.State.REQUEUED);
        assertThat(e.worker(0).killed).isTrue();
    }

    @Test
    void anErrorReplyToAPermitRequestIsAskedAgainInsteadOfStallingTheStream() {
        Engine e = new Engine(Map.of("maxRate", 5.0), 1);
        AtomicInteger asked = new AtomicInteger();
        e.broker.onControl(r -> {
            if (asked.incrementAndGet() == 1) {
                throw new RpcException(RpcError.of(RpcError.Code.INTERNAL, "coordinator hiccup"));
            }
            return new Permits(5, 0);
        });
        e.deliver(Engine.job().build());
        e.runBlocking();
        assertThat(e.worker(0).tasks).isEmpty();
        assertThat(asked).hasValue(1);
        e.timer.advance(Duration.ofSeconds(1));
        assertThat(asked).hasValue(2);
        assertThat(e.worker(0).tasks).hasSize(1);
    }

    @Test
    void aWorkerReportingAnotherJobIsStoppedAndItsJobRetriedNotForgotten() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.report(new WorkerOutcome("someone-else", w.pid(), true, IntNode.valueOf(1), null, false));
        assertThat(w.killed).isTrue();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.requeued()).hasSize(1);
        assertThat(e.runner.load().busy()).isZero();
        e.runBlocking(); // the slot is free again: a new worker can start
        e.deliver(e.requeued().get(0));
        e.runBlocking();
        assertThat(e.workers).hasSize(2);
        assertThat(e.worker(1).tasks).hasSize(1);
    }

    @Test
    void aBundleThatCannotBeHadForGoodFailsTheJobAndOneThatMayComeBackIsRequeuedAfterAPause() {
        Engine e = new Engine(Map.of(), 1);
        e.bundles = id -> CompletableFuture.failedFuture(new RpcException(RpcError.of(RpcError.Code.UNKNOWN_BUNDLE, "no")));
        FakeDelivery unknown = e.deliver(Engine.job().build());
        e.runBlocking();
        assertThat(unknown.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.results().get(0).status()).isEqualTo(JobStatus.ERROR);

        e.bundles = id -> CompletableFuture.failedFuture(new BrokerException(BrokerException.Kind.TIMEOUT, "slow", null));
        FakeDelivery later = e.deliver(Engine.job().build());
        assertThat(later.settled()).isFalse();
        e.timer.advance(Duration.ofSeconds(1));
        assertThat(later.state()).isEqualTo(FakeDelivery.State.REQUEUED);
        assertThat(e.runner.load().busy()).isZero();
    }

    @Test
    void aSlowPublishDoesNotStallTheStreamsOtherEvents() throws Exception {
        Engine e = new Engine(Map.of("jobTimeout", 1.0), 2);
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.broker.onPublish(m -> {
            if (m.exchange().equals(e.topology.resultsExchange(Engine.STREAM)) && m.type().equals("ready")) {
                publishing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS); // flow control: the broker holds the publish
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        });
        FakeDelivery finishing = e.deliver(Engine.job().build());
        FakeDelivery overrunning = e.deliver(Engine.job().build());
        e.runBlocking();
        CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> e.worker(0).succeed(IntNode.valueOf(1)));
        assertThat(publishing.await(5, TimeUnit.SECONDS)).isTrue();
        e.clock.advance(Duration.ofSeconds(2));
        e.runner.check(); // runs while the other thread is stuck in its publish
        assertThat(e.worker(1).killed).isTrue();
        release.countDown();
        slow.get(5, TimeUnit.SECONDS);
        assertThat(finishing.settled()).isTrue();
        assertThat(overrunning.settled()).isTrue();
        assertThat(e.broker.unsettled()).as("only the retry of the killed job, handed back by the broker")
                .extracting(d -> d.message().messageId()).containsExactly(overrunning.message().messageId());
    }

    @Test
    void aJobReportingTheNodeBlockedIsSettledAndTheNodeTold() {
        Engine e = new Engine(Map.of(), 1);
        e.deliver(Engine.job().build());
        e.runBlocking();
        FakeWorker w = e.worker(0);
        w.report(new WorkerOutcome(w.current().jobId(), w.pid(), false, null,
                new ErrorResult("403", "square", 1, "x"), true));
        assertThat(e.blockedReports).hasValue(1);
        assertThat(e.broker.unsettled()).isEmpty();
    }

    @Test
    void closeGivesARunningJobBackAndTakesNoMoreWork() {
        Engine e = new Engine(Map.of(), 1);
        FakeDelivery running = e.deliver(Engine.job().build());
        e.runBlocking();
        e.runner.drain(Duration.ofMillis(20)); // the job does not finish within the grace: killed, given back
        e.runner.close();
        assertThat(running.state()).isEqualTo(FakeDelivery.State.REQUEUED);
        assertThat(e.worker(0).killed).isTrue();
        e.runBlocking();
        assertThat(e.workers).hasSize(1);
    }

    @Test
    void theNodeWideCapHoldsAcrossStreamsAndAWaitingStreamGetsAnIdleWorkersSlot() {
        WorkerSlots slots = new WorkerSlots(2);
        Engine a = new Engine(Map.of(), 5, slots);
        Engine b = new Engine(Map.of(), 5, slots);
        for (int i = 0; i < 3; i++) {
            a.deliver(Engine.job().build());
        }
        a.runBlocking();
        assertThat(a.workers).hasSize(2); // mpps 5, but the node allows 2
        b.deliver(Engine.job().build());
        b.runBlocking();
        assertThat(b.workers).isEmpty();
        assertThat(slots.used()).isEqualTo(2);

        a.worker(0).succeed(IntNode.valueOf(1)); // takes a's third job
        a.worker(1).succeed(IntNode.valueOf(1)); // idle now
        a.runner.check(); // b waits: a retires its idle worker at once, not after its timeout
        assertThat(a.worker(1).retired).isTrue();
        b.runBlocking();
        assertThat(b.workers).hasSize(1);
        assertThat(b.worker(0).tasks).hasSize(1);
        assertThat(slots.used()).isEqualTo(2);
    }

    @Test
    void aStreamWhoseWorkersTookItsJobsNoLongerWaitsForASlot() {
        WorkerSlots slots = new WorkerSlots(2);
        Engine a = new Engine(Map.of(), 5, slots);
        for (int i = 0; i < 3; i++) {
            a.deliver(Engine.job().build());
        }
        a.runBlocking();
        assertThat(a.workers).hasSize(2); // wanted 3, got 2: it waits for a slot
        assertThat(slots.othersWaiting(new Object())).isTrue();
        a.worker(0).succeed(IntNode.valueOf(1)); // its worker takes the third job: it wants no slot now
        a.runBlocking();
        assertThat(slots.othersWaiting(new Object())).as("still counted as waiting, it would keep the warm pool"
                + " from filling and other streams giving up their idle workers").isFalse();
        a.worker(0).succeed(IntNode.valueOf(1));
        a.worker(1).succeed(IntNode.valueOf(1));
        a.runBlocking();
        slots.release(2);
        assertThat(slots.takeSpare(1)).as("a free slot for the warm pool").isEqualTo(1);
    }

    @Test
    void restingWorkersGoToAStreamThatWaitsForASlotAndTheirRestsStillPaceTheirStream() {
        WorkerSlots slots = new WorkerSlots(2);
        Engine a = new Engine(Map.of("frequency", 3600.0), 2, slots);
        Engine b = new Engine(Map.of(), 2, slots);
        for (int i = 0; i < 4; i++) {
            a.deliver(Engine.job().build());
        }
        a.runBlocking();
        a.worker(0).succeed(IntNode.valueOf(1));
        a.worker(1).succeed(IntNode.valueOf(1)); // both rest for an hour, with a's two other jobs buffered
        a.runBlocking();
        assertThat(slots.used()).isEqualTo(2);

        b.deliver(Engine.job().build());
        b.runBlocking(); // no slot: b waits, and a is asked for its workers
        a.runBlocking();
        assertThat(a.worker(0).retired).as("a resting worker holds no slot another stream waits for").isTrue();
        assertThat(a.worker(1).retired).isTrue();
        b.runBlocking();
        assertThat(b.workers).hasSize(1);
        assertThat(b.worker(0).tasks).as("b's job runs now, not in an hour").hasSize(1);

        a.timer.advance(Duration.ofMinutes(59));
        a.runBlocking();
        assertThat(a.workers).as("no worker replaces a rest before it ends").hasSize(2);
        a.timer.advance(Duration.ofMinutes(1));
        a.runBlocking();
        assertThat(a.workers).as("the rests ended: a takes the slot left").hasSize(3);
        assertThat(a.worker(2).tasks).hasSize(1);
    }
}
