package io.impetus.worker.stream;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.ManualTimer;
import io.impetus.testkit.fake.SettableClock;
import io.impetus.worker.bundle.BundleSource;
import io.impetus.worker.process.Worker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stream runner on fakes: a broker in memory, fake workers, a settable clock with a manual
 * timer, and a "blocking" executor the test runs by hand (so workers start when the test says).
 */
final class Engine {
    static final String STREAM = "s1";
    static final String CLIENT = "client-1";
    static final String BUNDLE = "a".repeat(64);

    final Topology topology = new Topology("t");
    final FakeBroker broker = new FakeBroker();
    final SettableClock clock = new SettableClock();
    final ManualTimer timer = new ManualTimer(clock);
    final List<FakeWorker> workers = new CopyOnWriteArrayList<>();
    final Queue<Runnable> blocking = new ArrayDeque<>();
    final AtomicInteger blockedReports = new AtomicInteger();
    volatile BundleSource bundles = id -> CompletableFuture.completedFuture(Path.of("/tmp/" + id + ".zip"));
    final StreamRunner runner;
    final WorkerSlots slots;
    final NodeMetrics metrics;
    /** The node's cancels, which the runner checks before it starts a job. */
    final Cancels cancels = new Cancels(clock);

    Engine(Map<String, Object> properties, int mpps) {
        this(properties, mpps, new WorkerSlots(100));
    }

    /** A runner sharing {@code slots} (the node-wide cap on workers) with other engines' runners. */
    Engine(Map<String, Object> properties, int mpps, WorkerSlots slots) {
        this(properties, mpps, slots, null);
    }

    /** A runner that checks jobs and signs results with {@code signingKey}. */
    Engine(Map<String, Object> properties, int mpps, WorkerSlots slots, SigningKey signingKey) {
        this(properties, mpps, slots, signingKey, null);
    }

    /** A runner whose workers come from {@code spawner} (real ones: in-process workers), not fakes. */
    Engine(Map<String, Object> properties, int mpps, Worker.Spawner spawner) {
        this(properties, mpps, new WorkerSlots(100), null, spawner);
    }

    private Engine(Map<String, Object> properties, int mpps, WorkerSlots slots, SigningKey signingKey,
                   Worker.Spawner spawner) {
        this.slots = slots;
        TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
        declarer.declareStream(STREAM, StreamProperties.DEFAULTS);
        declarer.declareResults(STREAM, CLIENT, QueueType.CLASSIC);
        declarer.declareDead();
        metrics = new NodeMetrics(new SimpleMeterRegistry());
        RunnerContext ctx = new RunnerContext(broker, topology, new ControlClient(broker, topology, Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)),
                id -> bundles.path(id), "node-1", mpps, 4, spawner == null ? this::spawn : spawner, slots, r -> {
                    synchronized (blocking) {
                        blocking.add(r);
                    }
                }, timer::schedule, clock, WireCodec.standard(), blockedReports::incrementAndGet, signingKey, metrics, null);
        runner = new StreamRunner(STREAM, StreamProperties.fromMap(properties), ctx, cancels);
        runner.start();
    }

    private Worker spawn(int index, String stream, Worker.Listener listener) {
        FakeWorker w = new FakeWorker(index, listener);
        workers.add(w);
        return w;
    }

    /** Runs what waits on the blocking executor (starting workers, repairs). */
    void runBlocking() {
        while (true) {
            Runnable r;
            synchronized (blocking) {
                r = blocking.poll();
            }
            if (r == null) {
                return;
            }
            r.run();
        }
    }

    static JobEnvelope.Builder job() {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream(STREAM).client(CLIENT).name("square")
                .function("com.example.Jobs#square").code(BUNDLE).args(IntNode.valueOf(3)).callback("next");
    }

    FakeDelivery deliver(JobEnvelope job) {
        return deliver(Json.write(job), null, job.id());
    }

    FakeDelivery deliver(byte[] body, String encoding, String messageId) {
        InboundMessage m = FakeBroker.message(body, encoding, messageId);
        return broker.deliver(topology.jobsQueue(STREAM), m);
    }

    FakeWorker worker(int i) {
        return workers.get(i);
    }

    List<JobEnvelope> results() {
        return broker.publishedTo(topology.resultsExchange(STREAM)).stream()
                .map(m -> Json.read(WireCodec.standard().decode(m.body(), m.contentEncoding()), JobEnvelope.class)).toList();
    }

    List<JobEnvelope> requeued() {
        return broker.publishedTo("").stream().filter(m -> m.routingKey().equals(topology.jobsQueue(STREAM)))
                .map(m -> Json.read(WireCodec.standard().decode(m.body(), m.contentEncoding()), JobEnvelope.class)).toList();
    }

    List<OutboundMessage> deadLetters() {
        return broker.publishedTo(topology.deadExchange());
    }
}
