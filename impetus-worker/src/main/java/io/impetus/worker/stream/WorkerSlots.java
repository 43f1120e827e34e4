package io.impetus.worker.stream;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node-wide cap on worker processes, across all streams ({@code --max-workers}), so that many
 * streams with a job each cannot start a JVM each. A stream takes slots before it starts workers
 * and gives one back when a worker exits. A stream that wanted more than it got is told when a
 * slot comes free; while one waits, the others retire their idle workers (see
 * {@link #othersWaiting}), handing them to a stream of the same creator through the node's
 * {@link WorkerLounge} when they can, but keep those their buffered jobs need (a stream under its
 * {@code maxRate} holds jobs back with its workers idle until the next permit). Thread-safe.
 */
public final class WorkerSlots {
    private final int max;
    private int used;
    private final Map<Object, Runnable> waiting = new ConcurrentHashMap<>();
    private final Map<Object, Runnable> holders = new ConcurrentHashMap<>();
    private final Map<Object, Runnable> spareIdle = new ConcurrentHashMap<>();
    private volatile Runnable lounged = () -> { };
    private final WorkerLounge lounge = new WorkerLounge();
    private final WorkerSharing sharing;

    public WorkerSlots(int max) {
        this(max, WorkerSharing.CREATOR);
    }

    /** @param sharing which streams may pass started workers to one another (default: same creator only) */
    public WorkerSlots(int max, WorkerSharing sharing) {
        if (max < 1) {
            throw new IllegalArgumentException("max workers must be at least 1, was " + max);
        }
        this.max = max;
        this.sharing = sharing;
    }

    WorkerSharing sharing() {
        return sharing;
    }

    public int max() {
        return max;
    }

    /** Started workers between streams of one creator. */
    public WorkerLounge lounge() {
        return lounge;
    }

    /** Tells the streams that wait for a slot, and the warm pool, that a worker waits in the lounge. */
    void nudge() {
        waiting.values().forEach(Runnable::run);
        lounged.run();
    }

    /** Runs (on the caller's thread) each time a worker is handed to the lounge: the warm pool's refill. */
    void whenLounged(Runnable r) {
        lounged = r;
    }

    /**
     * For the warm pool when it finds no room: each stream holding idle workers hands those idle for at
     * least {@link WarmWorkers#SPARED_AFTER} to the lounge (where a stream of their creator, itself
     * included, still takes them first), so that {@link #makeRoom} may retire one for a blank worker.
     */
    void askForIdle() {
        if (waiting.isEmpty()) { // a waiting stream has the idle workers given to it already
            spareIdle.values().forEach(Runnable::run);
        }
    }

    public synchronized int used() {
        return used;
    }

    /**
     * Takes up to {@code wanted} slots and returns how many it got. A stream that got fewer is
     * remembered, and {@code retry} runs when a slot comes free.
     */
    int take(Object stream, int wanted, Runnable retry) {
        int got;
        synchronized (this) {
            got = Math.max(0, Math.min(wanted, max - used));
            used += got;
        }
        if (got < wanted) {
            if (waiting.put(stream, retry) == null) { // it begins to wait: the others give their idle workers now
                holders.forEach((other, giveIdle) -> {
                    if (other != stream) {
                        giveIdle.run();
                    }
                });
            }
        } else {
            waiting.remove(stream);
        }
        return got;
    }

    /** {@code stream} wants no slot now: it no longer waits (a later {@link #take} that falls short waits again). */
    void stopWaiting(Object stream) {
        waiting.remove(stream);
    }

    /**
     * Takes up to {@code n} free slots for the node's {@link WarmWorkers}, never waiting for one and
     * never while a stream waits for one (a stream comes first); returns how many it got.
     */
    int takeSpare(int n) {
        synchronized (this) {
            if (!waiting.isEmpty()) {
                return 0;
            }
            int got = Math.max(0, Math.min(n, max - used));
            used += got;
            return got;
        }
    }

    /**
     * For the node's {@link WarmWorkers} when no slot is free: takes out of the lounge up to {@code n}
     * workers waiting for another stream of their creator (the longest waiting first), for the pool to
     * retire, their slots then free for blank workers, which a stream of any creator may take. None
     * while a stream waits for a slot (it gets those workers or their slots).
     */
    List<WorkerLounge.Seat> makeRoom(int n) {
        synchronized (this) {
            if (!waiting.isEmpty() || n <= 0) {
                return List.of();
            }
            return lounge.takeLongestWaiting(n);
        }
    }

    /** Gives {@code n} slots back (workers exited, or never started) and tells the streams that wait. */
    void release(int n) {
        synchronized (this) {
            used = Math.max(0, used - n);
        }
        if (n > 0) {
            waiting.values().forEach(Runnable::run);
        }
    }

    /** Whether a stream other than {@code stream} waits for a slot. */
    boolean othersWaiting(Object stream) {
        return waiting.keySet().stream().anyMatch(s -> s != stream);
    }

    /**
     * A stream that holds workers: {@code giveIdle} runs (on the caller's thread: it should post a step)
     * when another stream begins to wait for a slot, so that its idle workers are handed over or retired
     * at once rather than at its next housekeeping pass.
     */
    void holding(Object stream, Runnable giveIdle) {
        holding(stream, giveIdle, () -> { });
    }

    /** As {@link #holding(Object, Runnable)}; {@code spareIdle} runs at {@link #askForIdle} (it should post a step too). */
    void holding(Object stream, Runnable giveIdle, Runnable spareIdle) {
        holders.put(stream, giveIdle);
        this.spareIdle.put(stream, spareIdle);
    }

    /** The stream no longer wants slots nor holds workers (it closed). */
    void forget(Object stream) {
        waiting.remove(stream);
        holders.remove(stream);
        spareIdle.remove(stream);
    }
}
