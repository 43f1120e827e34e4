package io.impetus.worker.stream;

import io.impetus.core.broker.Subscription;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream's jobs on one node: consumes the stream's jobs queue with a bounded prefetch
 * ({@code mpps x jobsPerWorker}, which bounds the jobs in flight on this node) and hands every
 * delivery to the stream's {@link StreamLoop}. Thread-safe; {@link #drain} and {@link #close}
 * block until the stream's jobs have finished or the grace period is over.
 */
public final class StreamRunner {
    private static final Logger log = LoggerFactory.getLogger(StreamRunner.class);

    private final String stream;
    private final RunnerContext ctx;
    private final StreamLoop loop;
    private volatile boolean open = true;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    public StreamRunner(String stream, StreamProperties properties, RunnerContext ctx) {
        this(stream, properties, ctx, new Cancels(ctx.clock()));
    }

    /** A runner that checks {@code cancels}, the node's, before it starts a job. */
    public StreamRunner(String stream, StreamProperties properties, RunnerContext ctx, Cancels cancels) {
        this.stream = stream;
        this.ctx = ctx;
        this.loop = new StreamLoop(stream, properties, ctx, cancels);
    }

    /** Stops the jobs {@code cancel} names: waiting ones never start, running ones have their worker killed. */
    public void cancel(JobCancel cancel) {
        loop.cancel(cancel);
    }

    /**
     * Starts consuming the stream's jobs queue. If the queue is deleted while the stream is open,
     * it is declared again and consumed again (the broker cancels the consumer; see
     * {@code Broker.consume}).
     */
    public void start() {
        TopologyDeclarer declarer = new TopologyDeclarer(ctx.broker(), ctx.topology(), ctx.signingKey(), ctx.clock());
        List<String> queues = ctx.topology().jobsQueues(stream, loop.properties());
        for (String queue : queues) {
            // a quorum stream's bands each get the prefetch; the stream's buffer runs the highest priority first
            // within the node's budget: memory is bounded per process, whatever the prefetch and message size
            subscriptions.add(ctx.broker().consume(queue, ctx.mpps() * ctx.jobsPerWorker(), loop::delivered, () -> {
                if (!open) {
                    throw new IllegalStateException("stream " + stream + " is closed; its queue stays removed");
                }
                declarer.redeclareStream(stream, loop.properties());
            }, ctx.budget()));
        }
        ctx.metrics().track(stream, loop::inFlight, () -> loop.load().busy(),
                () -> loop.load().workers() - loop.load().busy());
        log.info("tracking stream {} ({})", stream, queues.size() == 1 ? queues.get(0)
                : queues.size() + " " + loop.properties().queueTypeOrClassic() + " band queues " + queues);
    }

    public String stream() {
        return stream;
    }

    public void update(StreamProperties props) {
        loop.update(props);
    }

    /** The coordinator closed the stream: a deleted jobs queue is no longer declared again. */
    public void closedByCoordinator() {
        open = false;
    }

    /** False once the coordinator closed the stream. */
    public boolean isOpen() {
        return open;
    }

    public NodeStatus.StreamLoad load() {
        return loop.load();
    }

    /** The jobs this stream's workers have now, as the node records them (processing once a worker has it). */
    CompletableFuture<List<JobEnvelope>> running() {
        return loop.running();
    }

    /** The jobs this stream's workers run, with their latest progress and output tail. */
    public List<JobUpdate> jobs() {
        return loop.jobs();
    }

    /** True once the stream has had no job and no worker for its {@code timeout}. */
    public boolean isIdle() {
        return loop.isIdle();
    }

    /** One pass of housekeeping: job timeouts, idle workers, idle stream. */
    public void check() {
        loop.check();
    }

    /**
     * Stops taking jobs, gives buffered ones back to the queue, lets running jobs finish within
     * {@code grace}, then kills the workers still busy and gives their jobs back. Blocks until
     * done: it waits on the stream's own signal, not by polling.
     */
    public void drain(Duration grace) {
        subscriptions.forEach(Subscription::cancel);
        if (!await(loop.drain(), grace)) {
            await(loop.killBusy(), Duration.ofSeconds(5));
        }
    }

    /** Drains briefly if not drained, then releases the consumer; later events are dropped. */
    public void close() {
        drain(Duration.ofSeconds(5));
        subscriptions.forEach(Subscription::close);
        loop.close();
        ctx.metrics().untrack(stream);
        log.info("stopped tracking stream {}", stream);
    }

    private static boolean await(CompletableFuture<Void> f, Duration limit) {
        try {
            f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
