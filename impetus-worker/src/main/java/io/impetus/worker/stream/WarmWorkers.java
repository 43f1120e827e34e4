package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's warm pool: up to {@code size} blank worker processes, started ahead of need and
 * waiting in the {@link WorkerLounge}, so that a stream that needs a worker takes a started one
 * instead of waiting for a JVM to start (a few hundred ms of CPU and wall time). A blank worker
 * never ran a job, so it carries no creator's state and may go to a stream of any creator. Each
 * holds one of the node's {@link WorkerSlots}, taken only when one is free, or made free by retiring a
 * worker that waits in the lounge for another stream of its creator, and never while a stream waits for
 * one (streams come first; a stream that finds no free slot takes the blank workers). Filled off
 * the stream loops, on the {@code blocking} executor: at each {@link #fill} (the node's loop) and
 * when a stream takes one. A failed start, or a blank worker that dies soon after its start, pauses
 * the filling for a wait that grows with each such failure in a row ({@link StartBackoff}), so a
 * broken worker command does not start a JVM every pass. A start the executor refuses or drops gives
 * its slot back ({@link SlotStart}). Thread-safe; {@link #close} stops the filling (the node then
 * retires the lounge's workers).
 */
public final class WarmWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmWorkers.class);
    /**
     * How long a stream's worker must have been idle before the pool, short of a blank worker with every
     * slot held, has the stream hand it to the lounge (see {@link WorkerSlots#askForIdle}): a stream between
     * jobs a moment apart keeps its workers.
     */
    public static final Duration SPARED_AFTER = Duration.ofSeconds(1);
    /**
     * How long the pool makes no room once a creator took back, twice in a row, a blank worker made by
     * retiring a worker of its own (a stream whose jobs come a few seconds apart would otherwise swap its
     * worker for a new JVM each time): at most two such wasted starts per this. Once is let pass: a client's
     * next stream taking the blank worker its last stream's worker made is common (the bench's rounds) and
     * leaves the pool to refill for another creator.
     */
    public static final Duration ROOM_PAUSE = Duration.ofSeconds(10);
    /** The least time between two passes that make room: at most one JVM start a this for swapped workers. */
    public static final Duration ROOM_EVERY = Duration.ofSeconds(2);
    /** The stream name a blank worker is started under (only its logs show it). */
    static final String BLANK = "(blank)";

    private final int size;
    private final WorkerSlots slots;
    private final Worker.Spawner spawner;
    private final Executor blocking;
    private final Clock clock;
    private int starting;
    private final StartBackoff backoff = new StartBackoff();
    /** Blank workers seated and not yet taken by a stream. */
    private final Map<Worker, Start> born = new HashMap<>();
    /** Lounge workers retired to free a slot for a blank one, not yet exited. */
    private int freeing;
    /** Creators whose workers were retired to make room, and when; room-making paused until. */
    private final Map<String, Instant> retiredFor = new HashMap<>();
    private Instant roomPausedUntil = Instant.MIN;
    /** Creators that took back a blank worker made from a worker of their own, and when. */
    private final Map<String, Instant> swapped = new HashMap<>();
    private boolean closed;

    /**
     * @param size blank workers kept ready; 0 keeps none
     * @param slots the node-wide worker slots, whose lounge keeps the blank workers
     * @param spawner starts worker processes
     * @param blocking where a start runs (it blocks for the JVM's start)
     * @param clock time source (a failed start, or a blank worker dying soon after its start, pauses the
     *     filling: see {@link StartBackoff})
     */
    public WarmWorkers(int size, WorkerSlots slots, Worker.Spawner spawner, Executor blocking, Clock clock) {
        if (size < 0) {
            throw new IllegalArgumentException("warm workers must be 0 or more, was " + size);
        }
        this.size = size;
        this.slots = slots;
        this.spawner = spawner;
        this.blocking = blocking;
        this.clock = clock;
        if (size > 0) {
            slots.lounge().whenBlankTaken(this::taken);
            slots.whenLounged(this::fillLater);
        }
    }

    public int size() {
        return size;
    }

    /**
     * Starts blank workers, in the background, up to {@code size} ready or starting, in free slots; when
     * none is free, retires workers that wait in the lounge for another stream of their creator (and has
     * streams lounge workers idle for {@link #SPARED_AFTER}), and fills again as each exits (its slot is
     * then free). So the slots of a node whose last streams went idle do not keep the next stream of a new
     * creator waiting for a JVM start: a blank worker serves a stream of any creator, that creator's too.
     */
    public void fill() {
        int missing;
        int wanted;
        List<WorkerLounge.Seat> room;
        boolean mayMakeRoom;
        synchronized (this) {
            Instant now = clock.instant();
            born.values().forEach(b -> lived(b, now));
            if (closed || size == 0 || backoff.waiting(now)) {
                return;
            }
            missing = size - slots.lounge().blank() - starting - freeing;
            wanted = missing > 0 ? slots.takeSpare(missing) : 0;
            starting += wanted;
            mayMakeRoom = !now.isBefore(roomPausedUntil);
            room = mayMakeRoom ? slots.makeRoom(missing - wanted) : List.of();
            freeing += room.size();
            if (!room.isEmpty()) {
                Instant old = now.minus(ROOM_PAUSE);
                retiredFor.values().removeIf(at -> at.isBefore(old));
                swapped.values().removeIf(at -> at.isBefore(old));
                room.forEach(seat -> retiredFor.put(seat.creator(), now));
                // however the guard below is got round, room is made at most once a ROOM_EVERY: a JVM start each
                roomPausedUntil = now.plus(ROOM_EVERY);
            }
        }
        if (mayMakeRoom && missing - wanted - room.size() > 0) {
            slots.askForIdle(); // the slots are held by streams: those with long-idle workers lounge them, then this fills again
        }
        for (int i = 0; i < wanted; i++) {
            SlotStart.execute(blocking, this::startOne, this::neverStarted);
        }
        for (WorkerLounge.Seat seat : room) {
            Worker w = seat.worker();
            log.info("worker {} {} of creator {} retired from the lounge: its slot goes to a blank worker", w.index(),
                    w.pid(), seat.creator());
            // its exit gives the slot back (the routing does that first), then the pool fills it
            seat.routing().routeTo(Worker.Listener.of((x, o) -> x.kill(), (x, code) -> {
                synchronized (this) {
                    freeing--;
                }
                fillLater();
            }));
            try {
                blocking.execute(w::retire);
            } catch (RejectedExecutionException e) { // the node stops: retired here (it only closes the worker's input)
                w.retire();
            }
        }
    }

    /** A start the executor refused or dropped (the node stops): its slot goes back. */
    private void neverStarted() {
        slots.release(1);
        synchronized (this) {
            starting--;
        }
    }

    private void startOne() {
        synchronized (this) {
            if (closed) { // the node stopped while this start waited for a thread
                starting--;
                slots.release(1);
                return;
            }
        }
        int index = WorkerStarts.nextIndex();
        Start start = new Start(clock.instant());
        // until it is seated in the lounge: a job outcome cannot come (it has none); its exit gives the slot back
        RoutedListener routing = new RoutedListener(Worker.Listener.of((w, o) -> w.kill(), (w, code) -> { }),
                (w, code) -> {
                    slots.release(1);
                    exited(w, code, start);
                });
        Worker w;
        try {
            w = spawner.spawnBlank(index, BLANK, routing);
        } catch (IOException | RuntimeException e) {
            slots.release(1);
            synchronized (this) {
                starting--;
                Duration wait = backoff.failed(clock.instant(), Duration.ZERO);
                if (wait != null) {
                    log.warn("cannot start a blank worker for the warm pool: {} — trying again in {} s (failure {} in a"
                            + " row)", e.toString(), wait.toSeconds(), backoff.steps());
                }
            }
            return;
        }
        boolean kept;
        synchronized (this) { // seated before close() returns, or retired: the node's stop retires the seated ones
            starting--;
            kept = !closed && w.isAlive();
            if (kept) {
                born.put(w, start);
                slots.lounge().offerBlank(w, routing);
            }
        }
        if (!kept) {
            w.retire(); // an exit already seen gave the slot back (and counted as a failure unless closed)
            return;
        }
        log.info("worker {} {} started blank for the warm pool: waits for a stream of any creator ({} of {} ready)",
                w.index(), w.pid(), slots.lounge().blank(), size);
        slots.nudge(); // a stream may have begun to wait for a slot meanwhile: it takes this one
    }

    /** One blank worker's start: when, and whether a stream took the worker (its exit is then the stream's). */
    private static final class Start {
        final Instant at;
        boolean taken;

        Start(Instant at) {
            this.at = at;
        }
    }

    /**
     * A worker this pool started exited. Still blank (no stream took it) and soon after its start, it is a
     * failure: the filling backs off, so a worker command that dies at once does not start a JVM a second.
     */
    private synchronized void exited(Worker w, int code, Start start) {
        born.remove(w);
        if (closed || start.taken) {
            return;
        }
        Instant now = clock.instant();
        Duration lived = Duration.between(start.at, now);
        Duration wait = backoff.failed(now, lived);
        if (wait != null) {
            log.warn("blank worker {} {} exited (code {}) {} ms after its start, before any stream took it; the warm"
                    + " pool starts none for {} s (failure {} in a row: check the worker command and its JVM options)",
                    w.index(), w.pid(), code, lived.toMillis(), wait.toSeconds(), backoff.steps());
        }
    }

    /**
     * A stream of {@code creator} took a blank worker: its exit is no longer the pool's concern; the pool is
     * refilled, and makes no room for a while if this was a creator's second swap in a row (see {@link #ROOM_PAUSE}).
     */
    private void taken(Worker w, String creator) {
        synchronized (this) {
            Instant now = clock.instant();
            Start start = born.remove(w);
            if (start != null) {
                start.taken = true;
                // it started, said hello and now serves a stream: the worker command works, whatever its age
                if (backoff.worked()) {
                    log.info("a blank worker went to a stream: the warm pool's start backoff ends");
                }
            }
            Instant retiredAt = creator == null ? null : retiredFor.remove(creator);
            if (retiredAt != null && now.isBefore(retiredAt.plus(ROOM_PAUSE))) {
                Instant swappedAt = swapped.remove(creator);
                if (swappedAt != null && now.isBefore(swappedAt.plus(ROOM_PAUSE))) {
                    roomPausedUntil = now.plus(ROOM_PAUSE);
                    log.info("blank workers went twice to creator {}, whose workers were retired for them; the warm"
                            + " pool makes no room for {} s", creator, ROOM_PAUSE.toSeconds());
                } else {
                    swapped.put(creator, now);
                }
            }
        }
        fillLater();
    }

    /** A blank worker that lived {@link StartBackoff#HEALTHY} ends the backoff. */
    private void lived(Start start, Instant now) {
        if (backoff.lived(Duration.between(start.at, now))) {
            log.info("a blank worker has lived {} s: the warm pool's start backoff ends", StartBackoff.HEALTHY.toSeconds());
        }
    }

    /** Runs {@link #fill} on the blocking executor (called on a stream's loop, which must not start a JVM). */
    private void fillLater() {
        try {
            blocking.execute(this::fill);
        } catch (RejectedExecutionException e) { // the node stops: nothing to fill
            log.debug("warm pool not refilled: {}", e.toString());
        }
    }

    /** Starts no more blank workers; one still starting is retired when it is there. Safe to call twice. */
    @Override
    public synchronized void close() {
        closed = true;
    }
}
