package io.impetus.worker.stream;

import io.impetus.core.job.JobCancel;
import io.impetus.worker.process.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker processes of one stream on one node, each in one state: starting (counted; the
 * process does not exist yet), idle, busy (with the job it runs) or resting (pausing for the
 * stream's {@code frequency}). A rest whose worker was given to a stream that waited for a slot is kept without it
 * ({@link #giveUpResting}): it still counts against the stream's {@code mpps} until it ends, so no worker replaces
 * it sooner and the stream's pace is kept. Used only from the stream's mailbox.
 */
final class WorkerPool {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    /** A job on a worker: {@code waiting} while its code bundle is fetched, {@code processing} once the worker has it. */
    static final class Running {
        JobBuffer.Pending pending;
        final Instant started;
        String killReason;
        /** The cancel that stopped this job: its worker was killed, and its exit settles the job as cancelled. */
        JobCancel cancelled;
        /** The job's last progress (null: none yet), for heartbeats. */
        Double fraction;
        String message;
        /** The tail of what the job printed, for heartbeats; and how much of it was sent on. */
        final StringBuilder outputTail = new StringBuilder();
        long outputForwarded;
        Instant lastUpdateSent;

        Running(JobBuffer.Pending pending, Instant started) {
            this.pending = pending;
            this.started = started;
        }
    }

    private record Idle(Worker worker, Instant since) {
    }

    private final int max;
    private int starting;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final Map<Worker, Running> busy = new IdentityHashMap<>();
    private final Set<Worker> resting = new HashSet<>();
    /** Rests whose worker went to another stream (by the worker that rested, to find them when they end). */
    private final Set<Worker> restsWithout = new HashSet<>();

    WorkerPool(int max) {
        this.max = max;
    }

    /** Slots for new workers: {@code max} less every worker in any state. */
    int free() {
        return max - size();
    }

    int size() {
        return workers() + restsWithout.size();
    }

    /** The workers this stream has (a rest kept without its worker is not one). */
    int workers() {
        return starting + idle.size() + busy.size() + resting.size();
    }

    int starting() {
        return starting;
    }

    int idle() {
        return idle.size();
    }

    int busy() {
        return busy.size();
    }

    void starting(int n) {
        starting += n;
    }

    /** A worker that was starting is there (or failed to start: {@code worker == null}). */
    void started(Worker worker, Instant now) {
        starting--;
        if (worker != null) {
            idle.add(new Idle(worker, now));
        }
    }

    /** Takes the idle worker that waited longest, or {@code null}. */
    Worker takeIdle() {
        Idle i = idle.poll();
        return i == null ? null : i.worker();
    }

    void idle(Worker worker, Instant now) {
        resting.remove(worker);
        idle.add(new Idle(worker, now));
    }

    void rest(Worker worker) {
        resting.add(worker);
    }

    /**
     * The rest of {@code worker} ended: whether the worker is still here resting (and so is taken out of it); false
     * if it left meanwhile, or went to another stream (its rest, kept without it, ends now too).
     */
    boolean wake(Worker worker) {
        restsWithout.remove(worker);
        return resting.remove(worker);
    }

    /**
     * Takes every resting worker out, for a stream that waits for a slot; their rests are kept without them until
     * each ends ({@link #wake}).
     */
    List<Worker> giveUpResting() {
        List<Worker> out = new ArrayList<>(resting);
        restsWithout.addAll(resting);
        resting.clear();
        return out;
    }

    /** Rests kept without their workers end at once (the stream drains: it starts no worker again). */
    void endRestsWithout() {
        restsWithout.clear();
    }

    Running assign(Worker worker, JobBuffer.Pending pending, Instant now) {
        Running r = new Running(pending, now);
        busy.put(worker, r);
        return r;
    }

    /** The job the worker runs, or {@code null}. */
    Running running(Worker worker) {
        return busy.get(worker);
    }

    /** The worker is done with its job (or never got it): it leaves busy; returns the job. */
    Running finish(Worker worker) {
        return busy.remove(worker);
    }

    /** The worker is gone: it leaves every state; returns the job it was running, if any. */
    Running remove(Worker worker) {
        idle.removeIf(i -> i.worker() == worker);
        resting.remove(worker);
        return busy.remove(worker);
    }

    Map<Worker, Running> busyWorkers() {
        return busy;
    }

    /**
     * Marks each job running longer than {@code jobTimeout} seconds (none when null) to be
     * killed, once, and returns their workers.
     */
    List<Worker> overdue(Double jobTimeout, Instant now) {
        List<Worker> out = new ArrayList<>();
        if (jobTimeout == null) {
            return out;
        }
        busy.forEach((w, r) -> {
            if (r.killReason == null && Duration.between(r.started, now).toMillis() > jobTimeout * 1000) {
                r.killReason = "job timed out after " + jobTimeout + " s (jobTimeout); worker process " + w.pid()
                        + " killed";
                log.warn("job {} ran past jobTimeout {} s; killing worker {}", r.pending.job().id(), jobTimeout, w.pid());
                out.add(w);
            }
        });
        return out;
    }

    /** Removes and returns the idle workers idle for at least {@code limit}. */
    List<Worker> takeIdleLongerThan(Duration limit, Instant now) {
        return takeIdleLongerThan(limit, now, 0);
    }

    /**
     * Removes and returns the idle workers idle for at least {@code limit}, the longest idle first, but
     * leaves {@code keep} idle workers (the jobs the stream holds back, under its {@code maxRate}, need them).
     */
    List<Worker> takeIdleLongerThan(Duration limit, Instant now, int keep) {
        List<Worker> out = new ArrayList<>();
        int[] spare = {idle.size() - Math.max(0, keep)};
        idle.removeIf(i -> {
            if (spare[0] > 0 && Duration.between(i.since(), now).compareTo(limit) >= 0) {
                spare[0]--;
                log.info("worker {} {} idle for {} s; stopping it", i.worker().index(), i.worker().pid(),
                        limit.toMillis() / 1000.0);
                out.add(i.worker());
                return true;
            }
            return false;
        });
        return out;
    }

    /** Removes and returns every idle worker. */
    List<Worker> takeAllIdle() {
        List<Worker> out = new ArrayList<>();
        idle.forEach(i -> out.add(i.worker()));
        idle.clear();
        return out;
    }
}
