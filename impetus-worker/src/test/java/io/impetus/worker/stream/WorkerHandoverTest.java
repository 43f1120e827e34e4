package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.job.JobEnvelope;
import io.impetus.testkit.fake.SettableClock;
import io.impetus.worker.process.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import io.impetus.core.rpc.Permits;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Started workers handed between streams through the node's lounge: same creator only. Fakes, no sleeps. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WorkerHandoverTest {

    @Test
    void aWaitingStreamOfTheSameCreatorTakesTheIdleWorkerInsteadOfStartingOne() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine a = new Engine(Map.of("creator", "crawler", "timeout", 30), 2, slots);
        Engine b = new Engine(Map.of("creator", "crawler"), 2, slots);
        a.deliver(Engine.job().build());
        a.runBlocking();
        JobEnvelope bJob = Engine.job().build();
        b.deliver(bJob);
        b.runBlocking();
        assertThat(b.workers).isEmpty(); // the node's one slot is a's

        a.worker(0).succeed(IntNode.valueOf(9)); // a has nothing more; b waits

        assertThat(a.worker(0).retired).isFalse();
        assertThat(a.worker(0).tasks).hasSize(2); // b's job, on a's started worker
        assertThat(a.worker(0).current().jobId()).isEqualTo(bJob.id());
        assertThat(b.workers).isEmpty();
        assertThat(b.runner.load().busy()).isEqualTo(1); // b holds it now
        assertThat(slots.used()).isEqualTo(1);
    }

    @Test
    void aStreamThatBeginsToWaitGetsAnIdleWorkerOfItsCreatorAtOnceNotAtTheNextPass() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine a = new Engine(Map.of("creator", "crawler", "timeout", 30), 2, slots);
        Engine b = new Engine(Map.of("creator", "crawler"), 2, slots);
        a.deliver(Engine.job().build());
        a.runBlocking();
        a.worker(0).succeed(IntNode.valueOf(9)); // a's worker is idle in a; nobody waits yet

        JobEnvelope bJob = Engine.job().build();
        b.deliver(bJob); // no housekeeping pass of a's runs

        assertThat(a.worker(0).retired).isFalse();
        assertThat(a.worker(0).current().jobId()).isEqualTo(bJob.id());
        assertThat(b.workers).isEmpty();
        assertThat(b.runner.load().busy()).isEqualTo(1);
    }

    @Test
    void aStreamThatBeginsToWaitHasAnIdleWorkerOfAnotherCreatorRetiredAtOnce() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine a = new Engine(Map.of("creator", "alice", "timeout", 30), 2, slots);
        Engine b = new Engine(Map.of("creator", "bob"), 2, slots);
        a.deliver(Engine.job().build());
        a.runBlocking();
        a.worker(0).succeed(IntNode.valueOf(9));

        b.deliver(Engine.job().build());
        b.runBlocking();

        assertThat(a.worker(0).retired).isTrue();
        assertThat(b.workers).hasSize(1); // its own JVM, in the slot a's worker gave back
        assertThat(b.worker(0).tasks).hasSize(1);
    }

    @Test
    void aRateLimitedStreamKeepsTheIdleWorkersItsBufferedJobsNeedWhenAnotherBeginsToWait() {
        WorkerSlots slots = new WorkerSlots(2);
        Engine a = new Engine(Map.of("creator", "alice", "maxRate", 1.0, "timeout", 30), 3, slots);
        AtomicInteger asked = new AtomicInteger();
        // one permit, then none for a minute: a's other two jobs wait in its buffer
        a.broker.onControl(r -> asked.incrementAndGet() == 1 ? new Permits(1, 0) : new Permits(0, 60_000));
        for (int i = 0; i < 3; i++) {
            a.deliver(Engine.job().build());
        }
        a.runBlocking();
        // 1 job a second: one worker runs the permitted job, one more waits for the next permit, no third
        assertThat(a.workers).as("no more idle workers than the rate starts in a second").hasSize(2);
        FakeWorker ran = a.workers.stream().filter(w -> !w.tasks.isEmpty()).findFirst().orElseThrow();
        ran.succeed(IntNode.valueOf(9)); // idle now: two idle workers, and the rate needs one
        Engine b = new Engine(Map.of("creator", "bob"), 1, slots);

        b.deliver(Engine.job().build()); // b begins to wait: a gives what it does not need
        b.runBlocking();

        assertThat(a.workers.stream().filter(w -> w.retired).count()).as("only the worker no permit will need")
                .isEqualTo(1);
        assertThat(a.runner.load().workers()).isEqualTo(1);
        assertThat(b.workers).hasSize(1); // in the slot a's spare worker gave back
        assertThat(b.worker(0).tasks).hasSize(1);

        a.clock.advance(Duration.ofSeconds(60));
        a.runner.check();
        assertThat(a.workers.stream().filter(w -> w.retired).count()).as("kept past the idle timeout while jobs wait")
                .isEqualTo(1);
    }

    @Test
    void aSlowRateWithALongBufferHoldsOneIdleWorkerNotOneAJob() {
        WorkerSlots slots = new WorkerSlots(8);
        Engine a = new Engine(Map.of("creator", "alice", "maxRate", 1.0 / 60, "timeout", 30), 8, slots);
        a.broker.onControl(r -> new Permits(0, 60_000)); // no permit for a minute
        for (int i = 0; i < 6; i++) {
            a.deliver(Engine.job().build());
        }
        a.runBlocking();

        assertThat(a.workers).as("one worker waits for the next permit; the other slots stay free").hasSize(1);
        assertThat(slots.used()).isEqualTo(1);
    }

    @Test
    void aWaitingStreamOfAnotherCreatorNeverGetsTheWorkerButItsSlot() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine a = new Engine(Map.of("creator", "alice"), 2, slots);
        Engine b = new Engine(Map.of("creator", "bob"), 2, slots);
        a.deliver(Engine.job().build());
        a.runBlocking();
        b.deliver(Engine.job().build());
        b.runBlocking();

        a.worker(0).succeed(IntNode.valueOf(9));
        b.runBlocking();

        assertThat(a.worker(0).retired).isTrue();
        assertThat(a.worker(0).tasks).hasSize(1);
        assertThat(b.workers).hasSize(1); // a JVM of its own, in the slot a's worker gave back
        assertThat(b.worker(0).tasks).hasSize(1);
        assertThat(slots.lounge().size()).isZero();
    }

    @Test
    void clientsOfOneBrokerUserShareWorkersOnlyWhenTheNodeOptsIn() {
        for (WorkerSharing sharing : WorkerSharing.values()) {
            WorkerSlots slots = new WorkerSlots(1, sharing);
            Engine a = new Engine(Map.of("creator", "alice", "creator-user", "clients"), 2, slots);
            Engine b = new Engine(Map.of("creator", "bob", "creator-user", "clients"), 2, slots);
            a.deliver(Engine.job().build());
            a.runBlocking();
            b.deliver(Engine.job().build());
            b.runBlocking();

            a.worker(0).succeed(IntNode.valueOf(9));
            b.runBlocking();

            boolean shared = sharing == WorkerSharing.BROKER_USER;
            assertThat(a.worker(0).retired).as(sharing.name()).isEqualTo(!shared);
            assertThat(a.worker(0).tasks).as(sharing.name()).hasSize(shared ? 2 : 1);
            assertThat(b.workers).as(sharing.name()).hasSize(shared ? 0 : 1);
        }
    }

    @Test
    void workersOfDifferentBrokerUsersNeverPassEvenWhenSharingByUser() {
        assertThat(WorkerSharing.BROKER_USER.key(Map.of("creator", "alice", "creator-user", "u1")))
                .isNotEqualTo(WorkerSharing.BROKER_USER.key(Map.of("creator", "alice", "creator-user", "u2")));
        assertThat(WorkerSharing.BROKER_USER.key(Map.of("creator", "alice")))
                .isEqualTo(WorkerSharing.CREATOR.key(Map.of("creator", "alice")));
        assertThat(WorkerSharing.CREATOR.key(Map.of())).isNull();
    }

    @Test
    void aStreamWithoutACreatorRetiresItsIdleWorkerForAWaitingStream() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine a = new Engine(Map.of(), 2, slots);
        Engine b = new Engine(Map.of(), 2, slots);
        a.deliver(Engine.job().build());
        a.runBlocking();
        b.deliver(Engine.job().build());
        b.runBlocking();

        a.worker(0).succeed(IntNode.valueOf(9));
        b.runBlocking();

        assertThat(a.worker(0).retired).isTrue();
        assertThat(b.workers).hasSize(1);
    }

    @Test
    void aWorkerNobodyTakesIsRetiredAfterItsStreamsIdleTimeout() {
        WorkerLounge lounge = new WorkerLounge();
        SettableClock clock = new SettableClock();
        FakeWorker w = new FakeWorker(1, null);
        RoutedListener routing = new RoutedListener(null, () -> { });
        Instant now = clock.instant();
        assertThat(lounge.offer("crawler", w, routing, Duration.ofSeconds(30), now)).isTrue();

        assertThat(lounge.takeExpired(now.plusSeconds(29))).isEmpty();
        assertThat(lounge.take("someone else")).isNull();
        assertThat(lounge.takeExpired(now.plusSeconds(30))).containsExactly(w);
        assertThat(lounge.size()).isZero();
    }

    @Test
    void aWorkerThatExitsInTheLoungeLeavesIt() {
        WorkerLounge lounge = new WorkerLounge();
        int[] released = {0};
        RoutedListener routing = new RoutedListener(null, () -> released[0]++);
        FakeWorker w = new FakeWorker(1, routing);
        lounge.offer("crawler", w, routing, Duration.ofSeconds(30), Instant.EPOCH);

        w.die(1);

        assertThat(lounge.take("crawler")).isNull();
        assertThat(released[0]).isEqualTo(1); // its slot is given back
    }

    @Test
    void aWorkerThatExitsWhileHandedOverIsReportedToItsNewStream() {
        int[] exits = {0};
        RoutedListener routing = new RoutedListener(Worker.Listener.of((w, o) -> { },
                (w, code) -> { }), () -> { });
        FakeWorker w = new FakeWorker(1, routing);
        w.die(1); // after the lounge let it go, before the new stream listens

        routing.routeTo(Worker.Listener.of((x, o) -> { }, (x, code) -> exits[0]++));

        assertThat(exits[0]).isEqualTo(1);
    }
}
