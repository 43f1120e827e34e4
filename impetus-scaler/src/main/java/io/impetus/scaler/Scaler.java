package io.impetus.scaler;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.metrics.Metrics;
import io.impetus.core.rpc.NodeHeartbeats;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.ScalerReport;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.Signatures;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.scaler.scaling.Decision;
import io.impetus.scaler.scaling.Guardrails;
import io.impetus.scaler.scaling.NodeView;
import io.impetus.scaler.scaling.ScalingInputs;
import io.impetus.scaler.scaling.ScalingPolicy;
import io.impetus.scaler.scaling.StreamBacklog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scaler (the seed's DFS): every interval it reads each stream queue's ready and
 * unacknowledged counts from the management API and the nodes from their heartbeats, asks the
 * policy how many nodes are wanted, and launches, drains or terminates nodes through the
 * provider. Scale-in is drain-safe: a node is asked to drain and terminated only once it
 * reports no running job. Every decision is logged with its inputs and kept for the status
 * endpoint. Lifecycle: {@link #start()}, {@link #close()} (idempotent).
 */
public final class Scaler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scaler.class);
    static final int DECISIONS_KEPT = 50;

    private final ScalerOptions options;
    private final Topology topology;
    private final Guardrails guardrails;
    private final NodeHeartbeats heartbeats;
    /** Node events accepted within the freshness window: an exact copy published again is ignored. */
    private final ReplayGuard replays;
    private final Deque<Decision> decisions = new ArrayDeque<>();
    private final Map<String, Instant> draining = new LinkedHashMap<>();
    private final Set<String> launched = new HashSet<>();
    private final AtomicLong launches = new AtomicLong();
    private final AtomicLong terminations = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ScalingInputs lastInputs;
    private Broker broker;
    private ManagementClient management;
    private Subscription events;
    private ScheduledExecutorService loop;
    private DaemonEndpoint endpoint;
    private final PrometheusMeterRegistry registry = meters();

    public Scaler(ScalerOptions options) {
        this.options = options;
        this.topology = options.settings().topology();
        this.guardrails = new Guardrails(options.minNodes(), options.maxNodes(), options.cooldown(),
                options.hysteresisPasses(), options.idleTime());
        this.heartbeats = new NodeHeartbeats(options.clock());
        this.replays = new ReplayGuard(options.clock());
    }

    public void start() {
        management = new ManagementClient(options.settings());
        management.overview(); // fails now, with a clear message, if the management API is not there
        broker = Brokers.connect(options.settings(), "impetus scaler");
        new TopologyDeclarer(broker, topology).declareEventsIfAllowed();
        String queue = broker.declareTemporaryQueue(topology.eventsQueue("scaler", String.valueOf(ProcessHandle.current().pid())));
        broker.bind(queue, topology.eventsExchange(), "node.*");
        events = broker.consume(queue, 100, this::onNodeEvent);
        if (options.httpHost() != null) {
            endpoint = DaemonEndpoint.start("scaler", options.httpHost(), options.httpPort(),
                    options.httpAuthkey(), Map.of(
                            "/status", r -> DaemonEndpoint.Response.ok("application/json",
                                    Json.write(status())),
                            "/metrics", Metrics.handler(registry)));
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scaler-loop");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::runOnceSafely, 0, options.interval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("scaler started: provider {}, nodes {}..{}, mpps {}, interval {} s, idle time {} s, management API {}",
                options.provider().name(), options.minNodes(), options.maxNodes(), options.mpps(),
                options.interval().toSeconds(), options.idleTime().toSeconds(), management.base());
    }

    /** The port the status endpoint listens on, or -1. */
    public int statusPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** A node event; a malformed one is dropped with one WARN line. */
    private void onNodeEvent(Delivery d) {
        d.ack();
        if (options.signingKey() != null
                && !replays.admit(Signatures.eventCheck(options.signingKey(), d.message(), options.clock()), d.message()).valid()) {
            log.warn("ignored an unsigned, stale or replayed node event ({}): this installation signs its events", d.message().routingKey());
            return;
        }
        try {
            NodeStatus s = NodeStatus.checked(WIRE.read(d.message(), NodeStatus.class));
            if (Topology.NODE_STOPPED.equals(d.message().routingKey())) {
                heartbeats.stopped(s.nodeId());
            } else {
                heartbeats.heard(s);
            }
        } catch (ImpetusException e) {
            log.warn("ignored a malformed node event ({}): {}", d.message().routingKey(), e.getMessage());
        }
    }

    private static final WireCodec WIRE = WireCodec.standard();

    private void runOnceSafely() {
        try {
            runOnce();
        } catch (Throwable t) {
            log.error("scaler pass failed; trying again next interval", t);
        }
    }

    /** Each stream's backlog from its queues' counts; a quorum stream's band queues (….jobs.p0 …) add up. */
    static List<StreamBacklog> backlogs(Topology topology,
                                        List<ManagementClient.QueueStats> queues) {
        Map<String, StreamBacklog> byStream = new LinkedHashMap<>();
        for (ManagementClient.QueueStats q : queues) {
            String stream = topology.streamOfJobsQueue(q.name());
            if (stream != null) {
                byStream.merge(stream, new StreamBacklog(stream, q.ready(), q.unacknowledged(), q.ackRate()),
                        (a, b) -> new StreamBacklog(stream, a.ready() + b.ready(), a.unacknowledged() + b.unacknowledged(),
                                a.ackRate() + b.ackRate()));
            }
        }
        return new ArrayList<>(byStream.values());
    }

    /** One pass: read, decide, act. */
    public synchronized Decision runOnce() {
        List<StreamBacklog> backlog = backlogs(topology, management.queues(topology.prefix() + ".stream."));
        List<String> owned = options.provider().list();
        for (String id : List.copyOf(launched)) {
            if (!owned.contains(id)) {
                // a node the provider started is gone (killed, crashed): do not wait for its heartbeat to expire
                log.warn("node {} is gone (its process or instance ended)", id);
                heartbeats.stopped(id);
                launched.remove(id);
            }
        }
        ScalingInputs in = new ScalingInputs(backlog, heartbeats.recent().stream().map(NodeView::of).toList(), options.clock().instant());
        lastInputs = in;
        Set<String> reporting = new HashSet<>();
        in.nodes().forEach(n -> reporting.add(n.nodeId()));
        int starting = (int) owned.stream().filter(id -> !reporting.contains(id)).count();

        ScalingPolicy.Want want = options.policy().desired(in, options.mpps());
        Decision decision = guardrails.decide(in, want, starting);
        remember(decision);
        if (decision.changesSomething()) {
            log.info("decision: nodes {} (+{} starting), waiting {}, running {}, wanted {}: launch {}, drain {},"
                    + " replace {} — {}", decision.nodes(), starting, decision.waiting(), decision.running(),
                    decision.wanted(), decision.launch(), decision.drain(), decision.replace(), decision.reason());
        } else {
            log.debug("decision: nodes {}, waiting {}, running {}, wanted {} — {}", decision.nodes(), decision.waiting(),
                    decision.running(), decision.wanted(), decision.reason());
        }
        if (decision.launch() > 0) {
            List<String> started = options.provider().launch(decision.launch());
            launched.addAll(started);
            launches.addAndGet(started.size());
        }
        List<String> toDrain = new ArrayList<>(decision.drain());
        toDrain.addAll(decision.replace());
        for (String id : toDrain) {
            if (!owned.contains(id)) {
                log.info("node {} is not the {} provider's; not drained", id, options.provider().name());
            } else if (!draining.containsKey(id)) {
                askToDrain(id);
            }
        }
        finishDrains(owned);
        report(decision);
        return decision;
    }

    private void report(Decision d) {
        String words = "nodes " + d.nodes() + ", waiting " + d.waiting() + ", running " + d.running() + ", wanted "
                + d.wanted() + " (" + d.reason() + ")";
        byte[] body = Json.write(new ScalerReport(options.provider().name(), d.nodes(),
                options.minNodes(), options.maxNodes(), words, options.clock().instant()));
        broker.publish(OutboundMessage.to(topology.eventsExchange(), Topology.SCALER_HEARTBEAT).body(body)
                .headers(Signatures.eventHeaders(options.signingKey(), Topology.SCALER_HEARTBEAT, body, options.clock()))
                .persistent(false).mandatory(false).build());
    }

    private void askToDrain(String nodeId) {
        draining.put(nodeId, options.clock().instant());
        String key = Topology.nodeDrainKey(nodeId);
        byte[] body = Json.write(Map.of("sent", Json.formatTime(options.clock().instant())));
        broker.publish(OutboundMessage.to(topology.eventsExchange(), key).body(body)
                .headers(Signatures.eventHeaders(options.signingKey(), key, body, options.clock())).persistent(false).mandatory(false).build());
        log.info("asked node {} to drain", nodeId);
    }

    /** Terminates drained nodes that report no running job, and forgets nodes that are gone. */
    private void finishDrains(List<String> owned) {
        for (String id : List.copyOf(draining.keySet())) {
            NodeStatus s = heartbeats.get(id).orElse(null);
            if (!owned.contains(id)) {
                draining.remove(id);
            } else if (s != null && s.draining() && s.busyWorkers() == 0) {
                if (s.blocked()) {
                    log.info("node {} reported itself blocked and has drained; replacing it", id);
                }
                log.info("node {} has drained (no running job); terminating it", id);
                options.provider().terminate(id);
                terminations.incrementAndGet();
                heartbeats.stopped(id);
                draining.remove(id);
            }
        }
    }

    private synchronized void remember(Decision d) {
        decisions.addFirst(d);
        while (decisions.size() > DECISIONS_KEPT) {
            decisions.removeLast();
        }
    }

    /** What the status endpoint shows. */
    public synchronized Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("provider", options.provider().name());
        s.put("minNodes", options.minNodes());
        s.put("maxNodes", options.maxNodes());
        s.put("nodes", lastInputs == null ? List.of() : lastInputs.nodes());
        s.put("streams", lastInputs == null ? List.of() : lastInputs.streams());
        s.put("draining", List.copyOf(draining.keySet()));
        s.put("launches", launches.get());
        s.put("terminations", terminations.get());
        s.put("decisions", List.copyOf(decisions));
        return s;
    }

    /** The scaler's meters (and the JVM's), read at {@code /metrics}. */
    private PrometheusMeterRegistry meters() {
        PrometheusMeterRegistry r = Metrics.registry("scaler");
        Gauge.builder("impetus.scaler.nodes", () -> lastInputs == null ? 0
                : lastInputs.nodes().size()).tag("state", "reporting").description("Nodes reporting heartbeats").register(r);
        Gauge.builder("impetus.scaler.nodes", draining::size).tag("state", "draining")
                .description("Nodes asked to drain").register(r);
        Gauge.builder("impetus.scaler.waiting.jobs", () -> lastInputs == null ? 0
                : lastInputs.waiting()).description("Jobs ready in the stream queues").register(r);
        Gauge.builder("impetus.scaler.running.jobs", () -> lastInputs == null ? 0
                : lastInputs.running()).description("Jobs taken by nodes, not yet acknowledged").register(r);
        FunctionCounter.builder("impetus.scaler.launches", launches, AtomicLong::get)
                .description("Nodes launched").register(r);
        FunctionCounter.builder("impetus.scaler.terminations", terminations,
                AtomicLong::get).description("Nodes terminated").register(r);
        return r;
    }

    /** The metrics in the Prometheus text format. */
    public String metrics() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (loop != null) {
            loop.shutdownNow();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (events != null) {
            events.close();
        }
        options.provider().close();
        if (broker != null) {
            broker.close();
        }
        log.info("scaler stopped");
    }
}
