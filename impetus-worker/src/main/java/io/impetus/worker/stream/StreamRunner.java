package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.stream.StreamProperties;
import io.impetus.worker.process.WorkerProcess;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream's jobs on one node: consumes the stream's queue with a bounded prefetch, keeps
 * the buffered jobs in priority order, keeps at most {@code mpps} worker processes, hands each
 * free worker the highest-priority job, publishes results and acks each job once its result is
 * confirmed. All state is guarded by one lock; events (deliveries, worker outcomes, timers) are
 * handled on the thread that brings them, so a job crosses as few threads as possible.
 *
 * <p>The prefetch, {@code mpps x jobsPerWorker}, bounds the jobs in flight on this node: running,
 * waiting for a worker, or waiting for their result's confirm. A job of higher priority that
 * arrives later waits behind at most that many.
 */
public final class StreamRunner {
    private static final Logger log = LoggerFactory.getLogger(StreamRunner.class);
    private static final AtomicInteger WORKER_INDEX = new AtomicInteger();

    private final String stream;
    private final RunnerContext ctx;
    private final JobSettlement settlement;
    private final Object lock = new Object();
    private boolean closed;
    private volatile StreamProperties properties;

    private final PriorityQueue<Pending> buffer = new PriorityQueue<>(
            Comparator.comparingInt((Pending p) -> -p.job.priority()).thenComparingLong(p -> p.seq));
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final Map<WorkerProcess, Running> busy = new HashMap<>();
    /** Workers pausing for the stream's frequency between two jobs: neither idle nor free capacity. */
    private final java.util.Set<WorkerProcess> resting = new java.util.HashSet<>();
    private int starting;
    private final StartPermits permits;
    private long seq;
    private Instant lastActivity;
    private boolean draining;
    private Subscription subscription;
    private volatile NodeStatus.StreamLoad load = new NodeStatus.StreamLoad(0, 0);
    private volatile boolean idleStream;

    private record Pending(JobEnvelope job, Delivery delivery, long seq) {
    }

    private record Idle(WorkerProcess worker, Instant since) {
    }

    private static final class Running {
        final Pending pending;
        final Instant started;
        String killReason;

        Running(Pending pending, Instant started) {
            this.pending = pending;
            this.started = started;
        }
    }

    public StreamRunner(String stream, StreamProperties properties, RunnerContext ctx) {
        this.stream = stream;
        this.properties = properties;
        this.ctx = ctx;
        this.settlement = new JobSettlement(stream, ctx);
        this.permits = new StartPermits(stream, ctx, this::post, this::dispatch);
        this.lastActivity = ctx.clock().instant();
    }

    /** Starts consuming the stream's jobs queue. */
    public void start() {
        subscription = ctx.broker().consume(ctx.topology().jobsQueue(stream), ctx.mpps() * ctx.jobsPerWorker(),
                d -> post(() -> onDelivery(d)));
        log.info("tracking stream {}", stream);
    }

    public String stream() {
        return stream;
    }

    public void update(StreamProperties props) {
        this.properties = props;
    }

    public NodeStatus.StreamLoad load() {
        return load;
    }

    /** True once the stream has had no job and no worker for its {@code timeout}. */
    public boolean isIdle() {
        return idleStream;
    }

    /** One pass of housekeeping: job timeouts, idle workers, idle stream. */
    public void check() {
        post(this::housekeeping);
    }

    private void onDelivery(Delivery d) {
        lastActivity = ctx.clock().instant();
        idleStream = false;
        JobEnvelope job;
        try {
            job = Json.read(ctx.wire().decode(d.message().body(), d.message().contentEncoding()), JobEnvelope.class);
        } catch (ImpetusException | IllegalArgumentException e) {
            settlement.deadLetter(d, "not a valid job envelope: " + e.getMessage());
            return;
        }
        if (!stream.equals(job.stream())) {
            settlement.deadLetter(d, "job " + job.id() + " names stream '" + job.stream() + "' but arrived on stream '" + stream + "'");
            return;
        }
        if (job.client() == null || job.code() == null || job.function() == null) {
            settlement.deadLetter(d, "job " + job.id() + " has no client, code bundle or function to run");
            return;
        }
        if (draining) {
            d.reject(true);
            return;
        }
        buffer.add(new Pending(job, d, seq++));
        dispatch();
    }

    private void dispatch() {
        while (!draining && !buffer.isEmpty() && !idle.isEmpty()) {
            if (properties.maxRate() != null && !permits.take(Math.min(buffer.size(), idle.size()))) {
                break;
            }
            assign(idle.poll().worker(), buffer.poll());
        }
        int capacity = ctx.mpps() - (idle.size() + busy.size() + resting.size() + starting);
        int wanted = Math.min(buffer.size(), capacity);
        if (!draining && wanted > 0) {
            log.info("creating {} workers for {}", wanted, stream);
            starting += wanted;
            for (int i = 0; i < wanted; i++) {
                ctx.spawner().execute(this::spawnOne);
            }
        }
        publishLoad();
    }

    private void spawnOne() {
        int index = WORKER_INDEX.incrementAndGet();
        try {
            WorkerProcess w = WorkerProcess.spawn(index, stream, ctx.workerJvmOptions(),
                    (worker, o) -> post(() -> onOutcome(worker, o)),
                    (worker, code) -> post(() -> onExit(worker, code)));
            post(() -> {
                starting--;
                log.info("created worker {} {} {}", index, w.pid(), stream);
                if (draining) {
                    w.retire();
                    return;
                }
                idle.add(new Idle(w, ctx.clock().instant()));
                dispatch();
            });
        } catch (IOException | RuntimeException e) {
            log.error("cannot start a worker process for stream {}: {} — retrying in 5 s", stream, e.toString());
            post(() -> starting--);
            ctx.timer().schedule(() -> post(this::dispatch), 5, TimeUnit.SECONDS);
        }
    }

    private void assign(WorkerProcess w, Pending p) {
        Running running = new Running(p, ctx.clock().instant());
        busy.put(w, running);
        ctx.bundles().path(p.job.code()).whenComplete((path, e) -> post(() -> {
            if (busy.get(w) != running) {
                return; // the worker died while the bundle was fetched; onExit dealt with the job
            }
            if (e != null) {
                busy.remove(w);
                makeIdle(w);
                bundleUnavailable(p, e instanceof CompletionException ? e.getCause() : e);
                return;
            }
            log.info("processing job: {}, {}, {}, processing", w.pid(), p.job.id(), p.job.name());
            try {
                w.send(new WorkerTask(p.job.id(), p.job.name(), p.job.function(), p.job.code(), path.toString(),
                        p.job.args()));
            } catch (IOException io) {
                running.killReason = "worker process " + w.pid() + " stopped reading its tasks";
                w.kill();
            }
        }));
    }

    private void bundleUnavailable(Pending p, Throwable e) {
        if (e instanceof RpcException rpc && rpc.code() == RpcError.Code.UNKNOWN_BUNDLE) {
            String reason = "code bundle " + p.job.code() + " of job " + p.job.id() + " is unknown to the coordinator";
            finishWithError(p, p.job.startedBy(ctx.nodeId(), 0), reason);
        } else {
            log.warn("cannot fetch code bundle {} for job {} ({}); job requeued", p.job.code(), p.job.id(),
                    e.getMessage());
            p.delivery.reject(true);
        }
    }

    private void onOutcome(WorkerProcess w, WorkerOutcome o) {
        Running r = busy.remove(w);
        if (r == null || !r.pending.job.id().equals(o.jobId())) {
            log.warn("worker {} reported job {} it was not running; ignored", w.pid(), o.jobId());
            return;
        }
        lastActivity = ctx.clock().instant();
        JobStatus status = o.ok() ? JobStatus.READY : JobStatus.ERROR;
        JobEnvelope done = r.pending.job.startedBy(ctx.nodeId(), w.pid())
                .finished(status, o.ok() ? o.result() : Json.tree(o.error()));
        log.info("completed job: {}, {}, {}, {}", w.pid(), done.id(), done.name(), status.wireName());
        settlement.result(done, r.pending.delivery);
        if (o.blocked()) {
            log.warn("job {} reports this node blocked (NodeBlockedException)", done.id());
            ctx.onBlocked().run();
        }
        double pause = properties.frequency();
        if (pause > 0) {
            resting.add(w);
            ctx.timer().schedule(() -> post(() -> makeIdle(w)),
                    (long) (pause * 1000), TimeUnit.MILLISECONDS);
        } else {
            makeIdle(w);
        }
        dispatch();
    }

    private void makeIdle(WorkerProcess w) {
        resting.remove(w);
        if (w.isAlive() && !draining) {
            idle.add(new Idle(w, ctx.clock().instant()));
            dispatch();
        } else if (draining) {
            w.retire();
        }
    }

    private void onExit(WorkerProcess w, int code) {
        idle.removeIf(i -> i.worker() == w);
        resting.remove(w);
        Running r = busy.remove(w);
        if (r != null) {
            String reason = r.killReason != null ? r.killReason
                    : "worker process " + w.pid() + " died (exit code " + code + ")";
            lost(r.pending, w.pid(), reason);
        } else {
            log.info("worker {} {} exited ({})", w.index(), w.pid(), code);
        }
        dispatch();
    }

    /** A job whose worker died: retried within maxAttempts, else an error for the client. */
    private void lost(Pending p, long pid, String reason) {
        JobEnvelope started = p.job.startedBy(ctx.nodeId(), pid);
        int max = properties.maxAttempts();
        if (started.attempts() < max) {
            log.warn("job {} lost: {}; retrying (attempt {} of {})", p.job.id(), reason, started.attempts() + 1, max);
            settlement.retry(started.requeued(), p.delivery);
        } else {
            finishWithError(p, started, reason + " (attempt " + started.attempts() + " of " + max + ")");
        }
    }

    private void finishWithError(Pending p, JobEnvelope started, String reason) {
        log.warn("job {} failed: {}", p.job.id(), reason);
        settlement.fail(started.finished(JobStatus.ERROR, Json.tree(new ErrorResult(reason, p.job.name(), null, null))),
                reason, p.delivery);
    }

    private void housekeeping() {
        Instant now = ctx.clock().instant();
        Double jobTimeout = properties.jobTimeout();
        if (jobTimeout != null) {
            for (Map.Entry<WorkerProcess, Running> e : busy.entrySet()) {
                Running r = e.getValue();
                if (r.killReason == null && Duration.between(r.started, now).toMillis() > jobTimeout * 1000) {
                    r.killReason = "job timed out after " + jobTimeout + " s (jobTimeout); worker process "
                            + e.getKey().pid() + " killed";
                    log.warn("job {} ran past jobTimeout {} s; killing worker {}", r.pending.job.id(), jobTimeout,
                            e.getKey().pid());
                    e.getKey().kill();
                }
            }
        }
        long idleMillis = (long) (properties.timeout() * 1000);
        idle.removeIf(i -> {
            if (Duration.between(i.since(), now).toMillis() >= idleMillis) {
                log.info("worker {} {} idle for {} s; stopping it", i.worker().index(), i.worker().pid(),
                        properties.timeout());
                i.worker().retire();
                return true;
            }
            return false;
        });
        boolean empty = buffer.isEmpty() && busy.isEmpty() && idle.isEmpty() && resting.isEmpty() && starting == 0;
        idleStream = empty && Duration.between(lastActivity, now).toMillis() >= idleMillis;
        publishLoad();
    }

    private void publishLoad() {
        load = new NodeStatus.StreamLoad(idle.size() + busy.size() + resting.size() + starting, busy.size());
    }

    /**
     * Stops taking jobs, gives buffered ones back to the queue, lets running jobs finish within
     * {@code grace}, then stops every worker. Blocks until done.
     */
    public void drain(Duration grace) {
        if (subscription != null) {
            subscription.cancel();
        }
        synchronized (lock) {
            draining = true;
            buffer.forEach(p -> p.delivery.reject(true));
            buffer.clear();
            idle.forEach(i -> i.worker().retire());
            idle.clear();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && running() > 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (lock) {
            busy.forEach((w, r) -> {
                log.warn("job {} still running at shutdown; worker {} killed, job requeued", r.pending.job.id(), w.pid());
                r.pending.delivery.reject(true);
                w.kill();
            });
            busy.clear();
            publishLoad();
        }
    }

    private int running() {
        synchronized (lock) {
            return busy.size() + starting;
        }
    }

    /** Drains briefly if not drained, then releases the consumer. */
    public void close() {
        if (!draining) {
            drain(Duration.ofSeconds(5));
        }
        if (subscription != null) {
            subscription.close();
        }
        synchronized (lock) {
            closed = true;
        }
        log.info("stopped tracking stream {}", stream);
    }

    /** Runs {@code step} under the lock; after close, late events (a worker exiting) are dropped. */
    private void post(Runnable step) {
        synchronized (lock) {
            if (closed) {
                log.debug("stream {} closed; a late event was dropped", stream);
                return;
            }
            guarded(step);
        }
    }

    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.error("stream {}: unexpected failure in the runner", stream, e);
        }
    }
}
