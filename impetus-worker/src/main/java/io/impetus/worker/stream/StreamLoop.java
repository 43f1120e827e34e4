package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.stream.StreamProperties;
import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream on one node: its {@link StreamState} and the steps that change it, each run in the
 * stream's {@link Mailbox}: one at a time, deciding only; their I/O runs after them. Taken jobs wait in a
 * {@link JobBuffer} (priority order) for a worker of the {@link WorkerPool} (at most {@code mpps}, found
 * by {@link Staffing}); what workers report is handled by {@link WorkerEvents}; each job is settled
 * through {@link JobSettlement} or {@link JobEndings}. A delivery is settled on every path: acked once
 * what it published is confirmed, dead-lettered when invalid, or given back to the queue.
 */
final class StreamLoop {
    private static final Logger log = LoggerFactory.getLogger(StreamLoop.class);

    private final StreamState s;
    private final JobSettlement settlement;
    private final HeldDeliveries held = new HeldDeliveries();
    private final StartPermits permits;
    private final JobEndings endings;
    private final LoadReport report = new LoadReport();
    private final Staffing staffing;
    private final WorkerEvents events;
    private final Cancels cancels;
    private volatile boolean idleStream;

    StreamLoop(String stream, StreamProperties properties, RunnerContext ctx, Cancels cancels) {
        this.s = new StreamState(stream, properties, ctx);
        this.cancels = cancels;
        this.settlement = new JobSettlement(stream, ctx, () -> s.properties);
        this.permits = new StartPermits(stream, ctx, s::post, this::dispatch);
        this.endings = new JobEndings(ctx, settlement, () -> s.properties, s.mailbox::io);
        this.staffing = new Staffing(s, reports(), report, this::dispatch, this::started);
        this.events = new WorkerEvents(s, settlement, endings, staffing, report, this::dispatch);
    }

    /** What the stream's workers report: each report a step, handled by {@link WorkerEvents}. */
    private Worker.Listener reports() {
        return Worker.Listener.of((w, o) -> s.post(() -> events.outcome(w, o)),
                (w, code) -> s.post(() -> events.exit(w, code)), (w, u) -> s.post(() -> events.update(w, u)));
    }

    /** A delivery: decoded and checked on the consumer's thread, off the mailbox; only a valid job becomes a step. */
    void delivered(Delivery taken) {
        Delivery d = held.track(taken);
        // jobs forked together: each runs, and is settled, as if it had come alone
        for (JobParts.Part part : settlement.partsOrDeadLetter(d)) {
            JobEnvelope job = settlement.runnableOrDeadLetter(part.job(), part.delivery());
            if (job != null) {
                s.post(() -> onDelivery(job, part.delivery()));
            }
        }
    }

    StreamProperties properties() {
        return s.properties;
    }

    void update(StreamProperties props) {
        s.properties = props;
    }

    NodeStatus.StreamLoad load() {
        return report.load();
    }

    boolean isIdle() {
        return idleStream;
    }

    /** One pass of housekeeping: job timeouts, idle workers, idle stream. */
    void check() {
        s.post(this::housekeeping);
    }

    private void onDelivery(JobEnvelope job, Delivery d) {
        s.lastActivity = s.now();
        idleStream = false;
        if (s.draining || s.closed) {
            s.mailbox.io(() -> d.reject(true));
            return;
        }
        JobCancel cancel = cancels.of(job).orElse(null);
        if (cancel != null) { // cancelled while it waited in the queue: it never starts
            endings.cancelled(new JobBuffer.Pending(job, d, -1), 0, cancel);
            return;
        }
        s.buffer.add(job, d);
        dispatch();
    }

    /** Hands buffered jobs to idle workers (as the {@code maxRate} permits), then finds the workers still wanted. */
    private void dispatch() {
        WorkerPool pool = s.pool;
        while (!s.draining && !s.buffer.isEmpty() && pool.idle() > 0) {
            if (s.properties.maxRate() != null && !permits.take(Math.min(s.buffer.size(), pool.idle()))) {
                break;
            }
            assign(pool.takeIdle(), s.buffer.poll());
        }
        if (staffing.findWorkers()) {
            dispatch(); // adopted workers from the lounge
        }
    }

    private void started(Worker w) {
        s.pool.started(w, s.now());
        if (w == null) {
            s.ctx.timer().schedule(() -> s.post(this::dispatch), WorkerStarts.SPAWN_RETRY_MS);
        } else if (s.draining || s.closed) {
            s.pool.remove(w);
            s.mailbox.io(w::retire);
        } else {
            log.info("created worker {} {} {}", w.index(), w.pid(), s.stream);
        }
        dispatch();
        s.checkDrained();
    }

    private void assign(Worker w, JobBuffer.Pending p) {
        WorkerPool.Running running = s.pool.assign(w, p, s.now());
        CompletableFuture<Path> bundle;
        try {
            bundle = s.ctx.bundles().path(p.job().code());
        } catch (RuntimeException e) {
            bundle = CompletableFuture.failedFuture(e);
        }
        bundle.whenComplete((path, e) -> s.post(() -> bundleReady(w, running, path, e)));
    }

    private void bundleReady(Worker w, WorkerPool.Running running, Path path, Throwable e) {
        if (s.pool.running(w) != running) {
            return; // the worker died while the bundle was fetched; onExit dealt with the job
        }
        JobBuffer.Pending p = running.pending;
        if (e != null) {
            s.pool.finish(w);
            staffing.makeIdle(w);
            endings.bundleUnavailable(p, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            dispatch();
            s.checkDrained();
            return;
        }
        // the state table sees the running job: it is processing from the moment its worker gets it
        running.pending = p.startedBy(s.ctx.nodeId(), w.pid());
        JobEnvelope job = running.pending.job();
        log.info("processing job: {}, {}, {}, {}", w.pid(), job.id(), job.name(), job.status().wireName());
        WorkerTask task = WorkerTask.of(job, path);
        s.mailbox.io(() -> {
            try {
                w.send(task);
            } catch (IOException io) {
                s.post(() -> running.killReason = "worker process " + w.pid() + " stopped reading its tasks");
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
        s.post(() -> {
            for (JobBuffer.Pending p : s.buffer.takeIf(cancel::matches)) {
                endings.cancelled(p, 0, cancel);
            }
            s.pool.busyWorkers().forEach((w, r) -> {
                if (r.cancelled == null && cancel.matches(r.pending.job())) {
                    log.info("job {} cancelled by {} while running; killing worker {}", r.pending.job().id(),
                            cancel.by(), w.pid());
                    r.cancelled = cancel;
                    r.killReason = "cancelled";
                    s.mailbox.io(w::kill);
                }
            });
            report.publish(s);
        });
    }

    private void housekeeping() {
        Instant now = s.now();
        s.pool.overdue(s.properties.jobTimeout(), now).forEach(w -> s.mailbox.io(w::kill));
        staffing.letIdleGo(now);
        // a delivery whose result still waits for its confirm (an alarm) keeps the stream, and its subscription
        boolean empty = s.buffer.isEmpty() && s.pool.workers() == 0 && held.count() == 0;
        idleStream = empty && Duration.between(s.lastActivity, now).compareTo(s.idleLimit()) >= 0;
        report.publish(s);
    }

    /** The jobs this stream's workers run, with their latest progress and output tail (for the heartbeat). */
    List<JobUpdate> jobs() {
        return report.jobs();
    }

    /** Jobs taken from the queue and not yet settled: waiting in the buffer or running. */
    int inFlight() {
        return report.inFlight();
    }

    /** Stops taking jobs and gives buffered ones back; the future completes when no job runs. */
    CompletableFuture<Void> drain() {
        s.post(() -> {
            s.draining = true;
            s.buffer.takeAll().forEach(p -> s.mailbox.io(() -> p.delivery().reject(true)));
            s.pool.takeAllIdle().forEach(w -> s.mailbox.io(w::retire));
            s.pool.endRestsWithout();
            report.publish(s);
            s.checkDrained();
        });
        return s.drained;
    }

    /** The jobs this stream's workers have now, as the node records them; a step on the mailbox. */
    CompletableFuture<List<JobEnvelope>> running() {
        CompletableFuture<List<JobEnvelope>> jobs = new CompletableFuture<>();
        s.mailbox.post(() -> jobs.complete(s.pool.busyWorkers().values().stream().map(r -> r.pending.job()).toList()));
        return jobs;
    }

    /** Kills the workers still busy and gives their jobs back to the queue. */
    CompletableFuture<Void> killBusy() {
        CompletableFuture<Void> killed = new CompletableFuture<>();
        s.post(() -> {
            s.pool.busyWorkers().forEach((w, r) -> {
                log.warn("job {} still running at shutdown; worker {} killed, job requeued", r.pending.job().id(), w.pid());
                s.mailbox.io(() -> r.pending.delivery().reject(true));
                s.mailbox.io(w::kill);
            });
            s.pool.busyWorkers().clear();
            report.publish(s);
            s.checkDrained();
            killed.complete(null);
        });
        return killed;
    }

    /** Later events are dropped. */
    void close() {
        s.ctx.slots().forget(s);
        s.post(() -> s.closed = true);
    }
}
