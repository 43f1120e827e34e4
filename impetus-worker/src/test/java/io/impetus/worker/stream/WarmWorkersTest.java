package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.testkit.fake.SettableClock;
import io.impetus.worker.process.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node's warm pool of blank workers: filled in free slots, or in slots freed from workers waiting in
 * the lounge; taken by a stream of any creator. Fakes, no sleeps.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WarmWorkersTest {
    private final SettableClock clock = new SettableClock();
    private final Queue<Runnable> blocking = new ArrayDeque<>();
    private final List<FakeWorker> blank = new CopyOnWriteArrayList<>();
    private boolean spawnFails;

    private Worker spawn(int index, String stream, Worker.Listener listener) throws IOException {
        if (spawnFails) {
            throw new IOException("no java");
        }
        FakeWorker w = new FakeWorker(index, listener);
        blank.add(w);
        return w;
    }

    private WarmWorkers warm(int size, WorkerSlots slots) {
        return new WarmWorkers(size, slots, this::spawn, blocking::add, clock);
    }

    private void runBlocking() {
        for (Runnable r = blocking.poll(); r != null; r = blocking.poll()) {
            r.run();
        }
    }

    @Test
    void keepsItsSizeOfBlankWorkersReadyInFreeSlots() {
        WorkerSlots slots = new WorkerSlots(4);
        WarmWorkers warm = warm(2, slots);

        warm.fill();
        warm.fill(); // the two still starting count: no third
        runBlocking();
        warm.fill();
        runBlocking();

        assertThat(blank).hasSize(2);
        assertThat(slots.lounge().blank()).isEqualTo(2);
        assertThat(slots.used()).isEqualTo(2);
    }

    @Test
    void zeroKeepsNone() {
        WorkerSlots slots = new WorkerSlots(4);
        warm(0, slots).fill();
        runBlocking();

        assertThat(blank).isEmpty();
        assertThat(slots.used()).isZero();
    }

    @Test
    void aNewStreamOfAnyCreatorRunsItsFirstJobOnABlankWorkerAndThePoolIsRefilled() {
        WorkerSlots slots = new WorkerSlots(3);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();
        Engine stream = new Engine(Map.of("creator", "alice"), 1, slots);

        stream.deliver(Engine.job().build());
        stream.runBlocking();

        assertThat(stream.workers).isEmpty(); // no JVM started for the stream
        assertThat(blank.get(0).tasks).hasSize(1);
        assertThat(stream.runner.load().busy()).isEqualTo(1);
        runBlocking(); // the taking asked for a refill
        assertThat(blank).hasSize(2);
        assertThat(slots.lounge().blank()).isEqualTo(1);
        assertThat(slots.used()).isEqualTo(2);

        blank.get(0).succeed(IntNode.valueOf(9));
        assertThat(stream.results()).hasSize(1);
    }

    /** {@code n} started workers of {@code creator} waiting in the lounge, each holding a slot as a stream's would. */
    private List<FakeWorker> seated(WorkerSlots slots, String creator, int n) {
        Object stream = new Object();
        assertThat(slots.take(stream, n, () -> { })).isEqualTo(n);
        slots.forget(stream);
        List<FakeWorker> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RoutedListener routing = new RoutedListener(null, () -> slots.release(1));
            FakeWorker w = new FakeWorker(100 + i, routing);
            assertThat(slots.lounge().offer(creator, w, routing, Duration.ofSeconds(15), clock.instant())).isTrue();
            out.add(w);
        }
        return out;
    }

    @Test
    void whenIdleWorkersOfAnotherCreatorHoldEverySlotOneIsRetiredForABlankWorkerThatANewCreatorsStreamTakes() {
        WorkerSlots slots = new WorkerSlots(2);
        List<FakeWorker> alice = seated(slots, "alice", 2); // a finished stream's workers, waiting for alice's next
        WarmWorkers warm = warm(1, slots);

        warm.fill();
        warm.fill(); // the one retiring counts: no second
        runBlocking(); // retired, exited (slot back), filled again, started

        assertThat(alice.get(0).retired).as("the longest waiting").isTrue();
        assertThat(alice.get(1).retired).isFalse();
        assertThat(blank).hasSize(1);
        assertThat(slots.lounge().blank()).isEqualTo(1);
        assertThat(slots.used()).isEqualTo(2);

        Engine bob = new Engine(Map.of("creator", "bob"), 1, slots);
        bob.deliver(Engine.job().build());
        bob.runBlocking();
        assertThat(bob.workers).as("no JVM started for bob's first job").isEmpty();
        assertThat(blank.get(0).tasks).hasSize(1);
        assertThat(alice.get(1).tasks).as("never another creator's worker").isEmpty();
    }

    @Test
    void whenIdleWorkersOfAStreamHoldEverySlotTheyAreLoungedAfterASecondAndOneMakesRoomForABlankWorker() {
        WorkerSlots slots = new WorkerSlots(2);
        Engine alice = new Engine(Map.of("creator", "alice"), 2, slots);
        alice.deliver(Engine.job().build());
        alice.deliver(Engine.job().build());
        alice.runBlocking();
        alice.worker(0).succeed(IntNode.valueOf(9));
        alice.worker(1).succeed(IntNode.valueOf(9));
        assertThat(slots.used()).isEqualTo(2); // both idle in alice's stream, within its idle timeout
        WarmWorkers warm = warm(1, slots);

        warm.fill();
        runBlocking();
        assertThat(alice.workers).as("idle for less than a second: kept").noneMatch(w -> w.retired);
        assertThat(blank).isEmpty();

        alice.clock.advance(WarmWorkers.SPARED_AFTER);
        warm.fill(); // both go to the lounge; the one waiting longest is retired for a blank worker
        runBlocking();

        assertThat(alice.workers.stream().filter(w -> w.retired)).hasSize(1);
        assertThat(blank).hasSize(1);
        assertThat(slots.lounge().blank()).isEqualTo(1);
        assertThat(slots.used()).isEqualTo(2);
        Engine bob = new Engine(Map.of("creator", "bob"), 1, slots);
        bob.deliver(Engine.job().build());
        bob.runBlocking();
        assertThat(bob.workers).as("no JVM started for bob's first job").isEmpty();
        assertThat(blank.get(0).tasks).hasSize(1);
        alice.deliver(Engine.job().build());
        alice.runBlocking();
        FakeWorker kept = alice.workers.stream().filter(w -> !w.retired).findFirst().orElseThrow();
        assertThat(kept.tasks).as("alice's next job finds her lounged worker").hasSize(2);
        assertThat(alice.workers).hasSize(2); // and starts none
    }

    @Test
    void aCreatorTakingBackTwiceTheBlankWorkerItsOwnWorkerMadePausesTheRoomMaking() {
        WorkerSlots slots = new WorkerSlots(1);
        // the lounge's key of a stream whose metadata says creator alice, no broker user (WorkerSharing.CREATOR)
        FakeWorker first = seated(slots, "alice as ", 1).get(0);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();
        assertThat(first.retired).isTrue();
        Engine alice = new Engine(Map.of("creator", "alice"), 1, slots); // a job every few seconds
        for (int swap = 1; swap <= 2; swap++) {
            alice.deliver(Engine.job().build());
            alice.runBlocking();
            runBlocking();
            assertThat(blank.get(blank.size() - 1).tasks).as("job %d on the blank worker", swap).hasSize(1);
            blank.get(blank.size() - 1).succeed(IntNode.valueOf(9));
            alice.clock.advance(WarmWorkers.SPARED_AFTER);
            int before = blank.size();
            warm.fill();
            runBlocking();
            assertThat(blank).as("room is made at most once a ROOM_EVERY").hasSize(before);
            clock.advance(WarmWorkers.ROOM_EVERY);
            warm.fill(); // lounged, retired for a blank worker: a new JVM per job, unless paused
            runBlocking();
        }
        assertThat(blank).as("two swaps, then the pause: her worker stays hers").hasSize(2);
        alice.deliver(Engine.job().build());
        alice.runBlocking();
        assertThat(blank.get(1).tasks).as("her third job on the same worker").hasSize(2);
        blank.get(1).succeed(IntNode.valueOf(9));
        assertThat(alice.workers).isEmpty();

        clock.advance(WarmWorkers.ROOM_PAUSE);
        alice.clock.advance(WarmWorkers.SPARED_AFTER);
        warm.fill();
        runBlocking();
        assertThat(blank).as("the pause over").hasSize(3);
    }

    @Test
    void retiresNoLoungeWorkerWhileAStreamWaitsForASlot() {
        WorkerSlots slots = new WorkerSlots(2);
        List<FakeWorker> alice = seated(slots, "alice", 2);
        Object waiting = new Object();
        assertThat(slots.take(waiting, 1, () -> { })).isZero(); // it waits: the slots are its to get
        WarmWorkers warm = warm(1, slots);

        warm.fill();
        runBlocking();

        assertThat(alice).noneMatch(w -> w.retired);
        assertThat(blank).isEmpty();
    }

    @Test
    void retiresNoLoungeWorkerWhenItsBlankWorkersAreReady() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();
        List<FakeWorker> alice = seated(slots, "alice", 1);

        warm.fill();
        runBlocking();

        assertThat(alice.get(0).retired).isFalse();
        assertThat(blank).hasSize(1);
    }

    @Test
    void aStreamTakesAWorkerOfItsOwnCreatorBeforeABlankOne() {
        WorkerLounge lounge = new WorkerLounge();
        FakeWorker own = new FakeWorker(1, null);
        FakeWorker fresh = new FakeWorker(2, null);
        lounge.offerBlank(fresh, new RoutedListener(null, () -> { }));
        lounge.offer("alice", own, new RoutedListener(null, () -> { }), Duration.ofSeconds(30), Instant.EPOCH);

        assertThat(lounge.takeOthers("bob", 5)).containsExactly(own); // blank ones are taken, not retired
        lounge.offer("alice", own, new RoutedListener(null, () -> { }), Duration.ofSeconds(30), Instant.EPOCH);
        assertThat(lounge.takeExpired(Instant.EPOCH.plusSeconds(3600))).containsExactly(own); // blank ones wait
        lounge.offer("alice", own, new RoutedListener(null, () -> { }), Duration.ofSeconds(30), Instant.EPOCH);

        assertThat(lounge.take("alice").worker()).isSameAs(own);
        assertThat(lounge.take("alice").worker()).isSameAs(fresh);
        assertThat(lounge.take("alice")).isNull();
    }

    @Test
    void aStreamWithoutACreatorMayTakeABlankWorker() {
        WorkerLounge lounge = new WorkerLounge();
        FakeWorker fresh = new FakeWorker(2, null);
        lounge.offerBlank(fresh, new RoutedListener(null, () -> { }));

        assertThat(lounge.take(null).worker()).isSameAs(fresh);
    }

    @Test
    void takesNoSlotWhileAStreamWaitsForOne() {
        WorkerSlots slots = new WorkerSlots(3);
        Object stream = new Object();
        assertThat(slots.take(stream, 5, () -> { })).isEqualTo(3); // the stream waits for two more
        slots.release(1); // a slot comes free: the stream's to take, not the pool's
        WarmWorkers warm = warm(1, slots);

        warm.fill();
        runBlocking();

        assertThat(blank).isEmpty();
        assertThat(slots.used()).isEqualTo(2);
        slots.forget(stream);
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(1);
    }

    @Test
    void aFailedStartGivesItsSlotBackAndTheFillingPausesBeforeTryingAgain() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers warm = warm(1, slots);
        spawnFails = true;
        warm.fill();
        runBlocking();
        assertThat(slots.used()).isZero();

        spawnFails = false;
        warm.fill();
        runBlocking();
        assertThat(blank).isEmpty(); // paused

        clock.advance(Duration.ofMillis(WorkerStarts.SPAWN_RETRY_MS));
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(1);
    }

    @Test
    void aBlankWorkerThatExitsAfterLivingAWhileGivesItsSlotBackAndIsReplacedAtTheNextFill() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();
        clock.advance(StartBackoff.HEALTHY);

        blank.get(0).die(137);

        assertThat(slots.used()).isZero();
        assertThat(slots.lounge().blank()).isZero();
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(2);
        assertThat(slots.lounge().blank()).isEqualTo(1);
    }

    @Test
    void aBlankWorkerThatDiesAtOnceIsReplacedAfterABackoffThatGrowsAndEndsOnceOneLives() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();

        blank.get(0).die(1); // a broken worker command: dies right after its start
        warm.fill();
        runBlocking();
        assertThat(blank).as("not replaced at the next pass").hasSize(1);
        assertThat(slots.used()).isZero();

        clock.advance(StartBackoff.FIRST);
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(2);
        blank.get(1).die(1);
        clock.advance(StartBackoff.FIRST);
        warm.fill();
        runBlocking();
        assertThat(blank).as("the second step waits twice as long").hasSize(2);
        clock.advance(StartBackoff.FIRST);
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(3);

        clock.advance(StartBackoff.HEALTHY); // this one lives: the backoff ends
        warm.fill();
        blank.get(2).die(1);
        clock.advance(StartBackoff.FIRST);
        warm.fill();
        runBlocking();
        assertThat(blank).as("back to the first step").hasSize(4);
    }

    @Test
    void theBackoffDoublesUpToItsMostAndBlankWorkersDyingTogetherAreOneStep() {
        StartBackoff b = new StartBackoff();
        Instant t = Instant.EPOCH;
        assertThat(b.failed(t, Duration.ZERO)).isEqualTo(StartBackoff.FIRST);
        assertThat(b.failed(t.plusMillis(1), Duration.ZERO)).as("while it waits: the same step").isNull();
        Duration last = null;
        for (int i = 0; i < 30; i++) {
            t = t.plus(StartBackoff.MOST);
            last = b.failed(t, Duration.ZERO);
        }
        assertThat(last).isEqualTo(StartBackoff.MOST);
        assertThat(b.failed(t.plus(StartBackoff.MOST), StartBackoff.HEALTHY)).as("a worker that lived").isNull();
        assertThat(b.steps()).isZero();
    }

    @Test
    void aBlankWorkerPutToUseEndsTheBackoffWhateverItsAge() {
        StartBackoff b = new StartBackoff();
        Instant t = Instant.EPOCH;
        b.failed(t, Duration.ZERO);
        b.failed(t.plus(StartBackoff.MOST), Duration.ZERO);
        assertThat(b.steps()).isEqualTo(2);

        assertThat(b.worked()).as("was on").isTrue();
        assertThat(b.steps()).isZero();
        assertThat(b.worked()).as("already off").isFalse();
        assertThat(b.failed(t.plus(StartBackoff.MOST.multipliedBy(2)), Duration.ZERO)).as("the next failure is a first")
                .isEqualTo(StartBackoff.FIRST);
    }

    @Test
    void aStartTheExecutorRefusesGivesItsSlotBack() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers refused = new WarmWorkers(1, slots, this::spawn, r -> {
            throw new RejectedExecutionException("stopped");
        }, clock);

        refused.fill();

        assertThat(slots.used()).isZero();
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        runBlocking();
        assertThat(blank).hasSize(1);
    }

    @Test
    void aBlankStartTheNodesStopDropsGivesItsSlotBack() {
        WorkerSlots slots = new WorkerSlots(3);
        WarmWorkers warm = warm(1, slots);
        warm.fill();
        assertThat(slots.used()).isEqualTo(1);
        List<Runnable> dropped = new ArrayList<>(blocking); // what ExecutorService.shutdownNow hands back
        blocking.clear();

        SlotStart.abandonAll(dropped);

        assertThat(slots.used()).isZero();
        warm.fill();
        assertThat(blocking).as("the pool counts it as starting no more").hasSize(1);
    }

    @Test
    void aStreamsWorkerStartThatNeverRunsGivesItsSlotBack() {
        WorkerSlots slots = new WorkerSlots(1);
        Engine stream = new Engine(Map.of("creator", "alice"), 1, slots);
        stream.deliver(Engine.job().build());
        List<Runnable> dropped = new ArrayList<>(stream.blocking);
        stream.blocking.clear();

        SlotStart.abandonAll(dropped);
        stream.runBlocking(); // the stream asks again, in the node's one slot

        assertThat(stream.workers).hasSize(1);
        assertThat(stream.worker(0).tasks).hasSize(1);
        assertThat(slots.used()).isEqualTo(1);
    }

    @Test
    void aStartStillWaitingWhenThePoolClosesStartsNoWorkerAndGivesItsSlotBack() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers warm = warm(1, slots);
        warm.fill();

        warm.close();
        runBlocking();

        assertThat(blank).isEmpty();
        assertThat(slots.used()).isZero();
        assertThat(slots.lounge().size()).isZero();
        warm.fill();
        assertThat(blocking).isEmpty();
    }

    @Test
    void aWorkerStartingWhenThePoolClosesIsRetired() {
        WorkerSlots slots = new WorkerSlots(2);
        WarmWorkers[] pool = new WarmWorkers[1];
        pool[0] = new WarmWorkers(1, slots, (index, stream, listener) -> {
            pool[0].close(); // the node stops while the JVM starts
            return spawn(index, stream, listener);
        }, blocking::add, clock);
        pool[0].fill();

        runBlocking();

        assertThat(blank.get(0).retired).isTrue();
        assertThat(slots.lounge().size()).isZero();
        assertThat(slots.used()).isZero();
    }
}
