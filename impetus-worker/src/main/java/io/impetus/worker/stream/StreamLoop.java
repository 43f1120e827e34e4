package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.stream.StreamProperties;
import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import io.impetus.worker.protocol.WorkerUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one stream on one node and the steps that change it, each run in the stream's
 * {@link Mailbox}: one at a time, deciding only; their I/O runs after them. Taken jobs wait in a
 * {@link JobBuffer} (priority order) for a worker of the {@link WorkerPool} (at most
 * {@code mpps}); each job is settled through {@link JobSettlement} or {@link JobEndings}. A
 * delivery is settled on every path: acked once what it published is confirmed, dead-lettered
 * when invalid, or given back to the queue.
 */
final class StreamLoop {
    private static final Logger log = LoggerFactory.getLogger(StreamLoop.class);

    private final String stream;
    private final RunnerContext ctx;
    private final Mailbox mailbox;
    private final JobSettlement settlement;
    private final HeldDeliveries held = new HeldDeliveries();
    private final StartPermits permits;
    private final JobEndings endings;
    private final JobBuffer buffer = new JobBuffer();
    private final WorkerPool pool;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final WorkerStarts starts;
    private final Cancels cancels;
    private volatile StreamProperties properties;
    private volatile NodeStatus.StreamLoad load = new NodeStatus.StreamLoad(0, 0);
    private volatile int inFlight;
    private volatile boolean idleStream;
    private Instant lastActivity;
    private boolean draining;
    private boolean closed;

    StreamLoop(String stream, StreamProperties properties, RunnerContext ctx, Cancels cancels) {
        this.stream = stream;
        this.cancels = cancels;
        this.properties = properties;
        this.ctx = ctx;
        this.mailbox = new Mailbox(stream);
        this.pool = new WorkerPool(ctx.mpps());
        this.settlement = new JobSettlement(stream, ctx, () -> this.properties);
        this.permits = new StartPermits(stream, ctx, this::post, this::dispatch);
        this.endings = new JobEndings(ctx, settlement, () -> this.properties, mailbox::io);
        this.lastActivity = ctx.clock().instant();
        this.starts = new WorkerStarts(stream, ctx, Worker.Listener.of(
                (w, o) -> post(() -> onOutcome(w, o)), (w, code) -> post(() -> onExit(w, code)),
                (w, u) -> post(() -> onUpdate(w, u))));
        ctx.slots().holding(this, () -> post(this::giveIdleToWaiting), () -> {
            NodeStatus.StreamLoad now = load;
            if (now.workers() > now.busy()) { // a hint, read off the mailbox: only a stream with idle workers is asked
                post(this::spareIdleForWarmPool);
            }
        });
    }

    /** A delivery: decoded and checked on the consumer's thread, off the mailbox; only a valid job becomes a step. */
    void delivered(Delivery taken) {
        Delivery d = held.track(taken);
        // jobs forked together: each runs, and is settled, as if it had come alone
        for (JobParts.Part part : settlement.partsOrDeadLetter(d)) {
            JobEnvelope job = settlement.runnableOrDeadLetter(part.job(), part.delivery());
            if (job != null) {
                post(() -> onDelivery(job, part.delivery()));
            }
        }
    }

    StreamProperties properties() {
        return properties;
    }

    void update(StreamProperties props) {
        this.properties = props;
    }

    NodeStatus.StreamLoad load() {
        return load;
    }

    boolean isIdle() {
        return idleStream;
    }

    /** One pass of housekeeping: job timeouts, idle workers, idle stream. */
    void check() {
        post(this::housekeeping);
    }

    private void onDelivery(JobEnvelope job, Delivery d) {
        lastActivity = ctx.clock().instant();
        idleStream = false;
        if (draining || closed) {
            mailbox.io(() -> d.reject(true));
            return;
        }
        JobCancel cancel = cancels.of(job).orElse(null);
        if (cancel != null) { // cancelled while it waited in the queue: it never starts
            endings.cancelled(new JobBuffer.Pending(job, d, -1), 0, cancel);
            return;
        }
        buffer.add(job, d);
        dispatch();
    }

    private void dispatch() {
        while (!draining && !buffer.isEmpty() && pool.idle() > 0) {
            if (properties.maxRate() != null && !permits.take(Math.min(buffer.size(), pool.idle()))) {
                break;
            }
            assign(pool.takeIdle(), buffer.poll());
        }
        int wanted = draining ? 0 : Math.min(buffer.size(), pool.free());
        if (properties.maxRate() != null) {
            // idle (or starting) workers with jobs buffered: the rate holds them back, and more would only idle
            // too; so no more than the rate starts in a second wait for a permit (busy ones do not count)
            wanted = Math.min(wanted, Math.max(0, keptForBuffer() - pool.idle() - pool.starting()));
        }
        if (wanted > 0 && adoptFromLounge(wanted)) {
            dispatch();
            return;
        }
        if (wanted == 0) {
            // wants no slot now (its workers took its jobs, or it is at mpps): not waiting any more, so the
            // others keep their idle workers and the warm pool may fill
            ctx.slots().stopWaiting(this);
        } else {
            int got = ctx.slots().take(this, wanted, () -> post(this::dispatch));
            // workers of other creators waiting between streams hold slots: retired, they give them to this one
            ctx.slots().lounge().takeOthers(creator(), wanted - got).forEach(w -> mailbox.io(w::retire));
            wanted = got;
        }
        if (wanted > 0) {
            log.info("creating {} workers for {}", wanted, stream);
            pool.starting(wanted);
            for (int i = 0; i < wanted; i++) {
                mailbox.io(() -> starts.start(w -> post(() -> started(w))));
            }
        }
        publishLoad();
    }

    /** Takes up to {@code wanted} started workers of this stream's creator from the lounge; whether it took any. */
    private boolean adoptFromLounge(int wanted) {
        boolean took = false;
        for (int i = 0; i < wanted; i++) {
            Worker w = starts.adopt(creator());
            if (w == null) {
                break;
            }
            pool.idle(w, ctx.clock().instant());
            took = true;
        }
        return took;
    }

    /**
     * Whose the stream's workers are: by default who created the stream (the client, and the broker
     * user it sent as), so only streams of the same creator share workers (see {@link WorkerSharing}).
     * {@code null} when the stream does not say.
     */
    private String creator() {
        return ctx.slots().sharing().key(properties.metadata());
    }

    /** An idle worker goes to the lounge for another stream of this creator, or is retired. */
    private void handOverOrRetire(Worker w) {
        Duration idleLimit = Duration.ofMillis((long) (properties.timeout() * 1000));
        if (!starts.handOver(w, creator(), idleLimit, ctx.clock().instant())) {
            mailbox.io(w::retire);
        }
    }

    private void started(Worker w) {
        pool.started(w, ctx.clock().instant());
        if (w == null) {
            ctx.timer().schedule(() -> post(this::dispatch), WorkerStarts.SPAWN_RETRY_MS);
        } else if (draining || closed) {
            pool.remove(w);
            mailbox.io(w::retire);
        } else {
            log.info("created worker {} {} {}", w.index(), w.pid(), stream);
        }
        dispatch();
        checkDrained();
    }

    private void assign(Worker w, JobBuffer.Pending p) {
        WorkerPool.Running running = pool.assign(w, p, ctx.clock().instant());
        CompletableFuture<Path> bundle;
        try {
            bundle = ctx.bundles().path(p.job().code());
        } catch (RuntimeException e) {
            bundle = CompletableFuture.failedFuture(e);
        }
        bundle.whenComplete((path, e) -> post(() -> bundleReady(w, running, path, e)));
    }

    private void bundleReady(Worker w, WorkerPool.Running running, Path path, Throwable e) {
        if (pool.running(w) != running) {
            return; // the worker died while the bundle was fetched; onExit dealt with the job
        }
        JobBuffer.Pending p = running.pending;
        if (e != null) {
            pool.finish(w);
            makeIdle(w);
            endings.bundleUnavailable(p, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            dispatch();
            checkDrained();
            return;
        }
        // the state table sees the running job: it is processing from the moment its worker gets it
        running.pending = p.startedBy(ctx.nodeId(), w.pid());
        JobEnvelope job = running.pending.job();
        log.info("processing job: {}, {}, {}, {}", w.pid(), job.id(), job.name(), job.status().wireName());
        WorkerTask task = WorkerTask.of(job, path);
        mailbox.io(() -> {
            try {
                w.send(task);
            } catch (IOException io) {
                post(() -> running.killReason = "worker process " + w.pid() + " stopped reading its tasks");
                w.kill();
            }
        });
    }

    /**
     * A cancel: the jobs it names that wait in the buffer end as cancelled now; those running have
     * their worker killed at once, and the worker's exit settles them as cancelled (whatever outcome
     * the worker still sends is ignored: the cancel came first in this mailbox, so it is the outcome).
     */
    void cancel(JobCancel cancel) {
        post(() -> {
            for (JobBuffer.Pending p : buffer.takeIf(cancel::matches)) {
                endings.cancelled(p, 0, cancel);
            }
            pool.busyWorkers().forEach((w, r) -> {
                if (r.cancelled == null && cancel.matches(r.pending.job())) {
                    log.info("job {} cancelled by {} while running; killing worker {}", r.pending.job().id(),
                            cancel.by(), w.pid());
                    r.cancelled = cancel;
                    r.killReason = "cancelled";
                    mailbox.io(w::kill);
                }
            });
            publishLoad();
        });
    }

    /** The most output of one job the node sends on (see {@link WorkerUpdates}). */
    static final long MAX_OUTPUT_FORWARDED = WorkerUpdates.MAX_OUTPUT_FORWARDED;

    /** A running job's update: kept for the heartbeat and sent on to its client as {@link WorkerUpdates} says. */
    private void onUpdate(Worker w, WorkerUpdate u) {
        WorkerPool.Running r = pool.running(w);
        if (r == null || r.cancelled != null || !r.pending.job().id().equals(u.jobId())) {
            log.debug("worker {} sent an update of job {} it is not running; dropped", w.pid(), u.jobId());
            return;
        }
        JobUpdate update;
        try {
            update = WorkerUpdates.take(r, u, ctx.clock().instant(), stream, ctx.nodeId(), w.pid());
        } catch (IllegalArgumentException e) {
            log.warn("worker {}: job {} sent a bad progress: {}; dropped", w.pid(), u.jobId(), e.getMessage());
            return;
        }
        if (update != null) {
            mailbox.io(() -> settlement.update(update));
        }
        publishLoad();
    }

    private void onOutcome(Worker w, WorkerOutcome o) {
        WorkerPool.Running r = pool.running(w);
        if (r != null && r.cancelled != null) {
            log.info("worker {} finished job {} after it was cancelled; the cancel stands", w.pid(), o.jobId());
            return; // the worker was killed; its exit settles the job as cancelled
        }
        if (r == null || !r.pending.job().id().equals(o.jobId())) {
            log.warn("worker {} reported job {} it was not running; stopping the worker", w.pid(), o.jobId());
            if (r != null) {
                r.killReason = "worker process " + w.pid() + " reported job " + o.jobId() + " instead";
            }
            mailbox.io(w::kill); // its exit settles whatever it was running
            return;
        }
        pool.finish(w);
        lastActivity = ctx.clock().instant();
        ctx.metrics().ran(stream, Duration.between(r.started, lastActivity));
        endings.completed(r.pending, w.pid(), o);
        double pause = properties.frequency();
        if (pause > 0 && !draining) {
            pool.rest(w);
            ctx.timer().schedule(() -> post(() -> wake(w)), (long) (pause * 1000));
        } else {
            makeIdle(w);
        }
        dispatch();
        checkDrained();
    }

    private void wake(Worker w) {
        if (pool.wake(w)) {
            makeIdle(w);
            dispatch();
        }
    }

    private void makeIdle(Worker w) {
        if (w.isAlive() && !draining && !closed && buffer.isEmpty() && ctx.slots().othersWaiting(this)) {
            pool.remove(w);
            handOverOrRetire(w); // another stream waits for a worker: this one has nothing to do
        } else if (w.isAlive() && !draining && !closed) {
            pool.idle(w, ctx.clock().instant());
        } else {
            pool.remove(w);
            mailbox.io(w::retire);
        }
    }

    private void onExit(Worker w, int code) {
        WorkerPool.Running r = pool.remove(w);
        if (r != null && r.cancelled != null) {
            endings.cancelled(r.pending, w.pid(), r.cancelled);
        } else if (r != null) {
            String reason = r.killReason != null ? r.killReason
                    : "worker process " + w.pid() + " died (exit code " + code + ")";
            endings.lost(r.pending, w.pid(), reason);
        } else {
            log.info("worker {} {} exited ({})", w.index(), w.pid(), code);
        }
        dispatch();
        checkDrained();
    }

    /**
     * Another stream began to wait for a node-wide slot: this one's idle workers go to it now, as at housekeeping,
     * but for those its buffered jobs will need (held back by its {@code maxRate}: idle only until the next permit).
     */
    private void giveIdleToWaiting() {
        if (!draining && ctx.slots().othersWaiting(this)) {
            pool.takeIdleLongerThan(Duration.ZERO, ctx.clock().instant(), keptForBuffer()).forEach(this::handOverOrRetire);
            publishLoad();
        }
    }

    /**
     * The warm pool finds no slot for a blank worker: workers idle for {@link WarmWorkers#SPARED_AFTER} go to
     * the lounge, where this stream's next job still finds them (its creator's), unless the pool retires one.
     */
    private void spareIdleForWarmPool() {
        if (!draining && buffer.isEmpty()) {
            List<Worker> spare = pool.takeIdleLongerThan(WarmWorkers.SPARED_AFTER, ctx.clock().instant());
            spare.forEach(this::handOverOrRetire);
            if (!spare.isEmpty()) {
                publishLoad();
            }
        }
    }

    /**
     * Idle workers kept for the buffered jobs (held back by the stream's {@code maxRate}): as many as the rate can
     * start in a second, at least one and at most the jobs buffered, so a slow stream with a long buffer does not
     * keep a worker per job from streams that wait for a slot.
     */
    private int keptForBuffer() {
        Double rate = properties.maxRate();
        if (rate == null || buffer.isEmpty()) {
            return 0;
        }
        return (int) Math.min(buffer.size(), Math.max(1, Math.ceil(rate)));
    }

    private void housekeeping() {
        Instant now = ctx.clock().instant();
        pool.overdue(properties.jobTimeout(), now).forEach(w -> mailbox.io(w::kill));
        Duration idleLimit = Duration.ofMillis((long) (properties.timeout() * 1000));
        // workers that buffered jobs wait for (the stream's maxRate holds them back) are kept either way
        if (ctx.slots().othersWaiting(this)) { // a stream waiting for a node-wide slot gets the others
            pool.takeIdleLongerThan(Duration.ZERO, now, keptForBuffer()).forEach(this::handOverOrRetire);
        } else {
            pool.takeIdleLongerThan(idleLimit, now, keptForBuffer()).forEach(w -> mailbox.io(w::retire));
        }
        // a delivery whose result still waits for its confirm (an alarm) keeps the stream, and its subscription
        boolean empty = buffer.isEmpty() && pool.size() == 0 && held.count() == 0;
        idleStream = empty && Duration.between(lastActivity, now).compareTo(idleLimit) >= 0;
        publishLoad();
    }

    private void publishLoad() {
        load = new NodeStatus.StreamLoad(pool.size(), pool.busy());
        inFlight = buffer.size() + pool.busy();
        List<JobUpdate> now = new ArrayList<>(pool.busy());
        pool.busyWorkers().forEach((w, r) -> {
            JobEnvelope job = r.pending.job();
            now.add(new JobUpdate(job.id(), stream, job.client(), job.name(), ctx.nodeId(), w.pid(), r.fraction,
                    r.message, r.outputTail.length() == 0 ? null : r.outputTail.toString(), r.started));
        });
        jobs = now;
    }

    private volatile List<JobUpdate> jobs = List.of();

    /** The jobs this stream's workers run, with their latest progress and output tail (for the heartbeat). */
    List<JobUpdate> jobs() {
        return jobs;
    }

    /** Jobs taken from the queue and not yet settled: waiting in the buffer or running. */
    int inFlight() {
        return inFlight;
    }

    private void checkDrained() {
        if (draining && pool.busy() == 0 && pool.starting() == 0) {
            drained.complete(null);
        }
    }

    /** Stops taking jobs and gives buffered ones back; the future completes when no job runs. */
    CompletableFuture<Void> drain() {
        post(() -> {
            draining = true;
            buffer.takeAll().forEach(p -> mailbox.io(() -> p.delivery().reject(true)));
            pool.takeAllIdle().forEach(w -> mailbox.io(w::retire));
            publishLoad();
            checkDrained();
        });
        return drained;
    }

    /** Kills the workers still busy and gives their jobs back to the queue. */
    /** The jobs this stream's workers have now, as the node records them; a step on the mailbox. */
    CompletableFuture<List<JobEnvelope>> running() {
        CompletableFuture<List<JobEnvelope>> jobs = new CompletableFuture<>();
        mailbox.post(() -> jobs.complete(pool.busyWorkers().values().stream().map(r -> r.pending.job()).toList()));
        return jobs;
    }

    CompletableFuture<Void> killBusy() {
        CompletableFuture<Void> killed = new CompletableFuture<>();
        post(() -> {
            pool.busyWorkers().forEach((w, r) -> {
                log.warn("job {} still running at shutdown; worker {} killed, job requeued", r.pending.job().id(), w.pid());
                mailbox.io(() -> r.pending.delivery().reject(true));
                mailbox.io(w::kill);
            });
            pool.busyWorkers().clear();
            publishLoad();
            checkDrained();
            killed.complete(null);
        });
        return killed;
    }

    /** Later events are dropped. */
    void close() {
        ctx.slots().forget(this);
        post(() -> closed = true);
    }

    private void post(Runnable step) {
        mailbox.post(() -> {
            if (closed) {
                log.debug("stream {} closed; a late event was dropped", stream);
            } else {
                step.run();
            }
        });
    }
}
