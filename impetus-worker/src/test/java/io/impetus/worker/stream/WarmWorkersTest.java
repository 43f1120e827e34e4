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

/** The node's warm pool of blank workers: filled in free slots, taken by a stream of any creator. Fakes, no sleeps. */
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
