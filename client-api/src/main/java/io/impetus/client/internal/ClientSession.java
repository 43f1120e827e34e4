package io.impetus.client.internal;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.client.ForkTimeoutException;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamId;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to Impetus: opens streams, ships code bundles, publishes jobs (retrying
 * a publish that is not confirmed) and receives results from its own durable results queue,
 * each job id once. Thread-safe.
 */
public final class ClientSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    static final int RESULTS_PREFETCH = 500;
    /** Enough attempts, backing off to 5 s, to ride out a broker restart of a minute or two. */
    static final int PUBLISH_ATTEMPTS = 30;

    private final ConnectionSettings settings;
    private final String clientId;
    private final Clock clock;
    private final Topology topology;
    private final WireCodec wire = WireCodec.standard();
    private final Broker broker;
    private final ControlClient control;
    private final Map<String, StreamInfo> streams = new ConcurrentHashMap<>();
    private final Map<Class<?>, CodeBundle> bundles = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retries;
    private final Map<String, byte[]> extraJars;
    private volatile ResultSink sink;
    private final java.util.concurrent.atomic.AtomicLong backlog = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Integer> outstanding = new ConcurrentHashMap<>();
    private final Object capacity = new Object();

    public ClientSession(ConnectionSettings settings, String clientId, Map<String, byte[]> extraJars, Clock clock) {
        this.settings = settings;
        this.clientId = StreamId.check("client", clientId);
        this.clock = clock;
        this.topology = settings.topology();
        this.extraJars = Map.copyOf(extraJars);
        this.broker = Brokers.connect(settings, "impetus client " + clientId);
        this.control = new ControlClient(broker, topology);
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "impetus-publish-retry");
            t.setDaemon(true);
            return t;
        });
    }

    public String clientId() {
        return clientId;
    }

    /** Ids already delivered (from the task files of an earlier run with this id). */
    public void alreadyDelivered(Set<String> ids) {
        delivered.addAll(ids);
    }

    /** Creates or reuses a stream and starts receiving this client's results on it. */
    public StreamInfo openStream(String stream, Map<String, Object> properties, ResultSink resultSink) {
        this.sink = resultSink;
        CreateStreamResult created = control.call(new ControlRequest.CreateStream(stream, properties),
                CreateStreamResult.class);
        if (!created.changed().isEmpty()) {
            log.info("stream {} exists; changed its properties {}", stream, created.changed());
        }
        if (!created.refused().isEmpty()) {
            log.warn("stream {} exists; properties {} cannot change after create and were kept as they are",
                    stream, created.refused());
        }
        String queue = topology.resultsQueue(stream, clientId);
        broker.declareQueue(QueueSpec.durable(queue));
        broker.bind(queue, topology.resultsExchange(stream), topology.resultRoutingKey(clientId));
        long waiting = broker.inspect(queue).map(q -> q.ready()).orElse(0L);
        if (waiting > 0) {
            log.info("{} results of an earlier run of client {} are waiting on {}", waiting, clientId, queue);
            backlog.addAndGet(waiting);
        }
        subscriptions.add(broker.consume(queue, RESULTS_PREFETCH, d -> {
            backlog.updateAndGet(n -> Math.max(0, n - 1));
            JobEnvelope job;
            try {
                job = Json.read(wire.decode(d.message().body(), d.message().contentEncoding()), JobEnvelope.class);
            } catch (ImpetusException e) {
                log.warn("dropped an unreadable result on {}: {}", queue, e.getMessage());
                d.reject(false);
                return;
            }
            if (!delivered.add(job.id())) {
                log.debug("duplicate result of job {} dropped", job.id());
                d.ack();
                return;
            }
            sink.accept(job, d);
            returned(job.stream()); // after the sink: a fork waiting on mss sees this job as done
        }));
        streams.put(stream, created.stream());
        return created.stream();
    }

    /**
     * Waits while this client has the stream's {@code mss} jobs outstanding (no limit without
     * {@code mss}), then counts one more. Returns how long it waited.
     *
     * @throws ForkTimeoutException when {@code timeout} passed first
     */
    public java.time.Duration reserve(String stream, java.time.Duration timeout) throws InterruptedException {
        Integer mss = stream(stream).properties().mss();
        long start = System.nanoTime();
        synchronized (capacity) {
            if (mss != null) {
                long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
                while (outstanding.getOrDefault(stream, 0) >= mss) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new ForkTimeoutException(stream, mss, java.time.Duration.ofNanos(System.nanoTime() - start));
                    }
                    capacity.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
                }
            }
            outstanding.merge(stream, 1, Integer::sum);
        }
        return java.time.Duration.ofNanos(System.nanoTime() - start);
    }

    /** Takes back a reservation whose job was never sent. */
    public void unreserve(String stream) {
        returned(stream);
    }

    private void returned(String stream) {
        synchronized (capacity) {
            outstanding.computeIfPresent(stream, (k, n) -> n > 1 ? n - 1 : null);
            capacity.notifyAll();
        }
    }

    /** True once the results that waited when the streams were opened have all been received. */
    public boolean backlogDrained() {
        return backlog.get() == 0;
    }

    public StreamInfo stream(String stream) {
        StreamInfo s = streams.get(stream);
        if (s == null) {
            throw new IllegalStateException("stream " + stream + " is not open in this client");
        }
        return s;
    }

    /** Publishes a job; the publish is confirmed (and retried) in the background. */
    public JobEnvelope publish(String stream, FunctionRef fn, Object arg, Integer priority, Double delay, String callback) {
        JobEnvelope job = prepare(stream, fn, arg, priority, delay, callback);
        send(job);
        return job;
    }

    /** Makes a job (registering its code bundle on first use) without publishing it yet. */
    public JobEnvelope prepare(String stream, FunctionRef fn, Object arg, Integer priority, Double delay, String callback) {
        StreamInfo info = stream(stream);
        CodeBundle bundle = bundles.computeIfAbsent(fn.declaring(), c -> BundleBuilder.build(c, extraJars));
        if (registered.add(stream + "/" + bundle.id())) {
            try {
                control.call(new ControlRequest.RegisterBundle(stream, bundle.id(), bundle.toZip()), String.class);
            } catch (RuntimeException e) {
                registered.remove(stream + "/" + bundle.id());
                throw e;
            }
        }
        int p = priority == null ? info.properties().priority() : Math.min(priority, info.properties().maxPriority());
        double d = delay == null ? info.properties().delay() : delay;
        JobEnvelope job = JobEnvelope.builder().id(UUID.randomUUID().toString()).stream(stream).client(clientId)
                .name(fn.name()).function(fn.id()).args(Json.tree(arg)).code(bundle.id()).callback(callback)
                .priority(p).delay(d).status(d > 0 ? JobStatus.DELAYED : JobStatus.WAITING).created(clock.instant())
                .build();
        return job;
    }

    /** Publishes a prepared job; confirmed (and retried) in the background. */
    public void send(JobEnvelope job) {
        send(job, 1);
    }

    private void send(JobEnvelope job, int attempt) {
        WireCodec.Encoded body = wire.encode(Json.write(job));
        // a delayed job goes to the coordinator, which holds it until due
        String queue = job.status() == JobStatus.DELAYED ? topology.delayedQueue() : topology.jobsQueue(job.stream());
        broker.publish(OutboundMessage.toQueue(queue).body(body.body())
                .contentEncoding(body.contentEncoding()).priority(job.priority()).messageId(job.id())
                .type(job.status().wireName()).build())
                .whenComplete((ok, e) -> {
                    if (e == null) {
                        return;
                    }
                    if (attempt < PUBLISH_ATTEMPTS) {
                        log.warn("job {} not confirmed ({}); publishing again (attempt {} of {})", job.id(),
                                e.getMessage(), attempt + 1, PUBLISH_ATTEMPTS);
                        retries.schedule(() -> send(job, attempt + 1), Math.min(5000L, 500L * attempt), TimeUnit.MILLISECONDS);
                    } else if (delivered.add(job.id())) {
                        returned(job.stream());
                        log.error("job {} could not be published after {} attempts: {}", job.id(), attempt,
                                e.getMessage());
                        ErrorResult error = new ErrorResult("could not publish the job to RabbitMQ: " + e.getMessage(),
                                job.name(), null, null);
                        sink.accept(job.startedBy("client", 0).finished(JobStatus.ERROR, Json.tree(error)), null);
                    }
                });
    }

    /** Closes a stream: no new jobs; the coordinator removes its queues once drained. Best effort. */
    public void closeStream(String stream) {
        try {
            control.call(new ControlRequest.CloseStream(stream), StreamInfo.class);
        } catch (ImpetusException e) {
            log.warn("stream {} not closed: {}", stream, e.getMessage());
        }
    }

    /** Sends a control request (for tools built on the client). */
    public ControlClient control() {
        return control;
    }

    /** Stops receiving; with {@code finished}, deletes this client's (empty) results queues. */
    public void close(boolean finished) {
        subscriptions.forEach(Subscription::close);
        if (finished) {
            for (String stream : streams.keySet()) {
                try {
                    broker.deleteQueue(topology.resultsQueue(stream, clientId), true);
                } catch (ImpetusException e) {
                    log.debug("results queue of {} kept: {}", stream, e.getMessage());
                }
            }
        }
        retries.shutdownNow();
        broker.close();
    }

    @Override
    public void close() {
        close(false);
    }
}
