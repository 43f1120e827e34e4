package io.impetus.worker;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.loop.DaemonThreads;
import io.impetus.core.loop.LocalHost;
import io.impetus.core.loop.Passes;
import io.impetus.core.loop.Timer;
import io.impetus.core.metrics.Metrics;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.worker.bundle.BundleCache;
import io.impetus.worker.process.PrivateDirs;
import io.impetus.worker.process.StaleScratch;
import io.impetus.worker.process.Worker;
import io.impetus.worker.stream.Cancels;
import io.impetus.worker.stream.NodeMetrics;
import io.impetus.worker.stream.RunnerContext;
import io.impetus.worker.stream.SlotStart;
import io.impetus.worker.stream.StreamRunner;
import io.impetus.worker.stream.WarmWorkers;
import io.impetus.worker.stream.WorkerSharing;
import io.impetus.worker.stream.WorkerSlots;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node (the seed's Node): learns streams from events and a periodic list, tracks each
 * open stream ({@link TrackedStreams}) with a {@link StreamRunner} (whose consumer, on a channel
 * shared with other streams', is how the node learns of new work: an idle stream keeps it and costs
 * the broker nothing until a job comes), stops tracking idle streams once they are closed, and
 * reports a heartbeat. A closed stream, or one whose queue could not be consumed, is looked at (a
 * passive declare) each pass while it is not tracked. Lifecycle: {@link #start()}, then
 * {@link #close()} (drains; safe to call twice).
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /**
     * How long a stop waits, beyond the drain timeout, for its streams' consumers and channels to close (a
     * broker that no longer answers): past it the broker connection is aborted.
     */
    static final Duration STOP_MARGIN = Duration.ofSeconds(20);

    private final NodeOptions options;
    private final String nodeId;
    private final NodeEvents nodeEvents;
    private final String host;
    private final Instant started;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean blocked = new AtomicBoolean();
    private final PrometheusMeterRegistry registry = Metrics.registry("node");
    private final Cancels cancels;
    private TrackedStreams streams;
    private CoordinatorLists listings;
    private volatile Instant lastActivity;
    private Broker broker;
    private ControlClient control;
    private Subscription events;
    private ScheduledExecutorService timer;
    private ExecutorService spawner;
    private RunnerContext context;
    private WarmWorkers warm;
    private NodeWorkers workers;
    private TopologyDeclarer declarer;
    private RepairingPublisher publisher;
    private String eventsQueue;
    private Path scratch;
    private final Runnable beat = Passes.guarded(log, "node", "heartbeat", () -> heartbeat(streams.draining()
            ? Topology.NODE_DRAINING : Topology.NODE_HEARTBEAT));

    public Node(NodeOptions options) {
        this.options = options;
        this.host = LocalHost.name();
        this.nodeId = options.nodeId() != null ? options.nodeId() : host + "-" + ProcessHandle.current().pid();
        this.nodeEvents = new NodeEvents(nodeId, options.signingKey(), options.clock());
        this.started = options.clock().instant();
        this.lastActivity = started;
        this.cancels = new Cancels(options.clock());
    }

    public String id() {
        return nodeId;
    }

    public void start() {
        Topology topology = options.settings().topology();
        broker = Brokers.connect(options.settings(), "impetus node " + nodeId);
        control = new ControlClient(broker, topology, Duration.ofSeconds(10), options.signingKey());
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("node-loop"));
        spawner = Executors.newFixedThreadPool(Math.max(2, options.mpps()), DaemonThreads.named("node-spawner"));
        StaleScratch.removeFromTempDir(); // of nodes and workers killed before they cleaned up
        scratch = PrivateDirs.forNode();
        Path cache = PrivateDirs.bundleCache(options.cacheDir(), scratch);
        workers = new NodeWorkers(options, nodeId, scratch, cache, spawner, registry);
        DeliveryBudget budget = new DeliveryBudget(options.maxBufferedBytes());
        log.info("node {} holds at most {} MiB of jobs taken from the broker at a time ({}, default half the heap)",
                nodeId, budget.limit() >> 20, DeliveryBudget.ENV_MAX_BUFFERED_BYTES);
        context = new RunnerContext(broker, topology, control, new BundleCache(cache, control), nodeId,
                options.mpps(), options.jobsPerWorker(), workers.spawner(),
                new WorkerSlots(options.maxWorkers(), sharing()), spawner,
                Timer.of(timer), options.clock(), WireCodec.standard(), this::markBlocked, options.signingKey(),
                new NodeMetrics(registry), budget, options.haltAfterResult());
        streams = new TrackedStreams(context, cancels, timer);
        warm = new WarmWorkers(options.inProcess() ? 0 : options.warmWorkers(), context.slots(), workers.spawner(),
                spawner, options.clock());
        declarer = new TopologyDeclarer(broker, topology, options.signingKey(), options.clock());
        publisher = new RepairingPublisher(broker, spawner);
        eventsQueue = topology.eventsQueue("node", nodeId);
        try { // here too (idempotent), so a node may start before the coordinator
            declareEvents();
        } catch (ImpetusException e) { // a node's role may not declare the exchange: a heartbeat's repair binds later
            log.warn("events not bound yet ({}); trying again with the next heartbeat", e.getMessage());
        }
        listings = new CoordinatorLists(control, timer, options.clock(), options.listInterval(), this::cancel,
                streams::listed);
        events = broker.consume(eventsQueue, 100, this::onStreamEvent, this::declareEvents);
        log.info("starting node {} (max processes per stream {}, {} in all, {} blank kept ready), broker {}, jobs {}",
                nodeId, options.mpps(), options.maxWorkers(), warm.size(), options.settings().redacted(),
                options.signingKey() != null ? "signature-checked"
                        : "NOT signature-checked (no signing key: any broker login can make this node run code)");
        timer.scheduleWithFixedDelay(Passes.guarded(log, "node", "loop pass", this::runOnce), 0, options.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(beat, 0, options.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private WorkerSharing sharing() {
        if (!options.shareWorkersByUser()) {
            return WorkerSharing.CREATOR;
        }
        log.warn("node {} passes started workers between streams of different clients under the same broker user"
                + " (--share-workers-by-user): job code of one may see what another's left in a worker JVM", nodeId);
        return WorkerSharing.BROKER_USER;
    }

    /** The events exchange and this node's queue on it (declared again when found missing). */
    private void declareEvents() {
        Topology topology = options.settings().topology();
        declarer.declareEventsIfAllowed();
        broker.declareTemporaryQueue(eventsQueue);
        broker.bind(eventsQueue, topology.eventsExchange(), "stream.*");
        broker.bind(eventsQueue, topology.eventsExchange(), Topology.nodeDrainKey(nodeId));
        broker.bind(eventsQueue, topology.eventsExchange(), Topology.JOB_CANCEL);
    }

    /** A stream event or a drain request, believed only as {@link NodeEvents} says. */
    private void onStreamEvent(Delivery d) {
        d.ack();
        NodeEvents.Event event = nodeEvents.read(d.message());
        if (event instanceof NodeEvents.Drain) {
            drainForScaler();
            return;
        }
        if (event instanceof NodeEvents.Cancel c) {
            cancel(c.cancel());
            return;
        }
        if (!(event instanceof NodeEvents.StreamState state)) {
            return;
        }
        streams.heard(state.stream(), Topology.STREAM_CREATED.equals(state.routingKey()));
    }

    /** A cancel, heard or listed: kept (streams check it before they start a job) and applied to the running stream. */
    private void cancel(JobCancel cancel) {
        if (cancels.add(cancel)) {
            log.info("cancel of {} by {}", cancel.job() == null ? "every job of stream " + cancel.stream()
                    + " forked until " + cancel.before() : "job " + cancel.job() + " of stream " + cancel.stream(),
                    cancel.by());
            streams.cancel(cancel);
        }
    }

    /**
     * One pass: refresh the stream list, track streams with work, check runners, drop idle ones.
     * Nothing here waits on a publish: the list is asked for and applied when it comes, so that job
     * timeouts keep firing while RabbitMQ blocks this node's publishing (a memory or disk alarm).
     */
    public void runOnce() {
        Instant now = options.clock().instant();
        listings.askIfDue(now);
        streams.trackThoseWithWork();
        // workers between streams past their idle timeout
        context.slots().lounge().takeExpired(now).forEach(w -> spawner.execute(w::retire));
        if (!streams.draining() && workers.archiveTried()) {
            warm.fill(); // blank workers for the next stream that needs one, started on the spawner's threads
        }
        if (streams.check()) {
            lastActivity = now;
        }
    }

    /** The scaler asked this node to drain: take no more jobs, finish the running ones, report. */
    private void drainForScaler() {
        if (!streams.draining()) {
            log.info("node {} asked to drain by the scaler; taking no more jobs", nodeId);
            streams.drainAll(options.drainTimeout());
            timer.execute(beat);
        }
    }

    private void markBlocked() {
        if (blocked.compareAndSet(false, true)) {
            log.warn("node {} is blocked; it takes no more work and asks to be replaced", nodeId);
            streams.drainAll(options.drainTimeout());
        }
    }

    /** This node's meters (its jobs', workers' and JVM's), for {@code /metrics}. */
    public PrometheusMeterRegistry metrics() {
        return registry;
    }

    /** What this node reports in its heartbeat. */
    public NodeStatus status() {
        return new NodeStatus(nodeId, host, ProcessHandle.current().pid(), options.mpps(), streams.loads(), started,
                lastActivity, streams.draining(), blocked.get(), options.clock().instant(), options.signingKey() == null,
                streams.jobs());
    }

    private CompletableFuture<?> heartbeat(String routingKey) {
        byte[] body = Json.write(status());
        return publisher.publish(OutboundMessage.to(options.settings().topology().eventsExchange(), routingKey).body(body)
                .headers(Signatures.eventHeaders(options.signingKey(), routingKey, body, options.clock()))
                .userId(broker.user())
                .persistent(false).mandatory(false).type(routingKey).build(),
                this::declareEvents).whenComplete((ok, e) -> {
                    if (e != null) {
                        log.warn("heartbeat not sent: {}", e.getMessage());
                    }
                });
    }

    /** Drains: stops taking jobs, lets running jobs finish (bounded), stops every worker. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // track() adds no runner once stopped
        List<StreamRunner> stopping = streams.stop();
        log.info("node {} draining: {} streams", nodeId, stopping.size());
        if (events != null) {
            events.close();
        }
        // drained before the timer stops: a job finishing in the grace period still needs it; held to a limit,
        // as consumer cancels and channel closes wait for a broker that may no longer answer
        streams.drainAndClose(stopping, options.drainTimeout(), STOP_MARGIN, () -> {
            if (broker != null) {
                broker.abort();
            }
        });
        streams.clear();
        if (warm != null) {
            warm.close();
        }
        context.slots().lounge().takeAll().forEach(Worker::retire);
        if (timer != null) {
            timer.shutdownNow();
        }
        if (broker != null) {
            try {
                // confirmed before the connection closes, which would fail it
                heartbeat(Topology.NODE_STOPPED).get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException
                     | RuntimeException e) {
                log.debug("stop event not sent: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            broker.close();
        }
        if (spawner != null) {
            SlotStart.abandonAll(spawner.shutdownNow()); // a worker start that never ran gives its slot back
        }
        if (scratch != null) {
            PrivateDirs.delete(scratch);
        }
        log.info("node {} stopped", nodeId);
    }
}
