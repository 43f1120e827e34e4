package io.impetus.coordinator;

import io.impetus.coordinator.control.ControlHandler;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.topology.Topology;
import java.nio.file.Path;
import io.impetus.core.stream.QueueType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator (the seed's Queue): answers control RPCs, keeps streams and code bundles in
 * its store, declares every stream's topology and announces stream events. Lifecycle:
 * {@link #start()}, then {@link #close()}, which is safe to call twice.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

    /** RPCs handled at once; a slow request holds one of these, never the consumer. */
    public static final int DEFAULT_RPC_THREADS = 8;
    /** How often the shared topology (control, delayed, events, dead) and this process's bindings are checked. */
    static final long SHARED_CHECK_SECONDS = 5;
    /** How often every open stream's queue and exchange are declared again. */
    static final long STREAMS_CHECK_SECONDS = 30;
    static final int CONTROL_PREFETCH = 64;
    /** How long the store keeps the row of a closed, drained stream, and a gone coordinator's member lease. */
    public static final Duration DEFAULT_STORE_RETENTION = Duration.ofDays(7);

    /**
     * @param settings where RabbitMQ is
     * @param dataDir where the store lives
     * @param rpcThreads how many requests are handled at once
     * @param clock time source
     * @param signingKey when set, requests that change state must be signed with it
     * @param adminUser the broker user that may change or close any stream (default: the coordinator's own)
     * @param store where the store is: {@code null} or {@code h2} for the embedded file under {@code dataDir},
     *     or a {@code jdbc:postgresql://} URL shared by several coordinators
     * @param defaultQueueType the queue type of streams created without one, and of the control, delayed and
     *     dead queues
     * @param storeRetention how long the store keeps a closed stream's row after its queues were removed, and a
     *     gone coordinator's member lease ({@code null}: {@link #DEFAULT_STORE_RETENTION})
     */
    public record Options(ConnectionSettings settings, Path dataDir, int rpcThreads, Clock clock,
                          io.impetus.core.security.SigningKey signingKey, String adminUser, String store,
                          QueueType defaultQueueType, Duration storeRetention) {
        /** Options with the default store retention. */
        public Options(ConnectionSettings settings, Path dataDir, int rpcThreads, Clock clock,
                       io.impetus.core.security.SigningKey signingKey, String adminUser, String store,
                       QueueType defaultQueueType) {
            this(settings, dataDir, rpcThreads, clock, signingKey, adminUser, store, defaultQueueType, null);
        }

        public Options {
            storeRetention = storeRetention == null ? DEFAULT_STORE_RETENTION : storeRetention;
            if (storeRetention.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("storeRetention must be at least 1 minute (default "
                        + DEFAULT_STORE_RETENTION.toDays() + " days), was " + storeRetention);
            }
            defaultQueueType = defaultQueueType == null ? QueueType.CLASSIC : defaultQueueType;
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(dataDir, "dataDir");
            if (rpcThreads < 1) {
                throw new IllegalArgumentException("rpcThreads must be at least 1, was " + rpcThreads);
            }
            clock = clock == null ? Clock.systemUTC() : clock;
            adminUser = adminUser == null ? settings.user() : adminUser;
        }

        /** Defaults; the signing key is this process's ({@code IMPETUS_SIGNING_KEY(_FILE)}), if any. */
        public static Options of(ConnectionSettings settings, Path dataDir) {
            return new Options(settings, dataDir, DEFAULT_RPC_THREADS, Clock.systemUTC(),
                    io.impetus.core.security.SigningKey.configured(), null, null, QueueType.CLASSIC);
        }
    }

    private final Options options;
    private final Topology topology;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private CoordinatorStore store;
    /** The store through the lease's fence: every write only the active coordinator may do goes through it. */
    private CoordinatorStore fenced;
    private Broker broker;
    private StreamTopology streams;
    private ControlHandler handler;
    private NodeRegistry nodes;
    private ExecutorService workers;
    private java.util.concurrent.ScheduledExecutorService timer;
    private io.impetus.coordinator.delay.DelayedJobs delayed;
    private RepairingPublisher publisher;
    private volatile String eventsQueue;
    private final java.util.Set<String> removed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private Lease lease;
    private ActiveDuties duties;
    private java.util.concurrent.ScheduledExecutorService leaseTimer;
    private ExecutorService renewals;
    private java.util.concurrent.ScheduledExecutorService brokerCalls;
    /** The AMQP heartbeat the coordinator asks for: RabbitMQ drops a cut-off coordinator's consumers (and
     * requeues the requests they held) within two to three of them, so a standby's consumers take over. */
    static final Duration BROKER_HEARTBEAT = Duration.ofSeconds(3);
    private final String holder = Lease.holderName();
    private Membership membership;
    private volatile io.impetus.coordinator.status.StatusPage statusPage;
    private final io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
            io.impetus.core.metrics.Metrics.registry("coordinator");

    public Coordinator(Options options) {
        this.options = options;
        this.topology = options.settings().topology();
    }

    public void start() {
        store = CoordinatorStore.open(options.store(), options.dataDir(),
                CoordinatorStore.scope(options.settings().vhost(), topology.prefix()));
        fenced = store.fenced(Lease.NAME, () -> lease == null ? 0 : lease.epoch(), stale -> lease.fenced(stale));
        try {
            broker = Brokers.connect(options.settings(), "impetus coordinator", BROKER_HEARTBEAT);
        } catch (ImpetusException e) {
            store.close();
            throw e;
        }
        membership = new Membership(store, broker, topology.controlQueue(), holder);
        try {
            membership.join();
        } catch (RuntimeException e) {
            membership.leave();
            broker.close();
            store.close();
            throw e;
        }
        streams = new StreamTopology(broker, topology, options.signingKey(), options.clock());
        nodes = new NodeRegistry(options.clock(), options.signingKey());
        handler = new ControlHandler(fenced, streams, nodes, options.clock(), this::announce, options.defaultQueueType());
        handler.onCancel(this::announceCancel);
        nodes.onCancelHeard(handler.cancels()::add);
        AtomicInteger n = new AtomicInteger();
        workers = Executors.newFixedThreadPool(options.rpcThreads(), r -> {
            Thread t = new Thread(r, "coordinator-rpc-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        publisher = new RepairingPublisher(broker, workers);
        // cancels, closes and requeues: a cut broker connection may hold one until its heartbeats time out, so
        // never on the lease's threads, nor behind the loop's store calls (a cut store holds those)
        brokerCalls = Executors.newSingleThreadScheduledExecutor(daemon("coordinator-broker-calls"));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coordinator-loop");
            t.setDaemon(true);
            return t;
        });
        declareShared();
        broker.onRecovery(this::declareAll);

        eventsQueue = topology.eventsQueue("coordinator", String.valueOf(ProcessHandle.current().pid()));
        declareShared();
        subscriptions.add(broker.consume(eventsQueue, 100, nodes::onEvent, this::declareShared));
        delayed = new io.impetus.coordinator.delay.DelayedJobs(fenced, broker, topology, options.signingKey(),
                options.clock(),
                (task, ms) -> timer.schedule(task, ms, TimeUnit.MILLISECONDS), reason -> io.micrometer.core.instrument
                        .Counter.builder("impetus.dead.letters").description("Messages this process sent to the dead-letter route")
                        .tag("reason", io.impetus.core.metrics.Metrics.reasonKind(reason)).register(registry).increment(),
                this::isActive);
        meters();
        statusPage = new io.impetus.coordinator.status.StatusPage(store, nodes,
                new io.impetus.core.management.ManagementClient(options.settings()),
                new io.impetus.core.dead.DeadLetters(broker, topology), topology, options.signingKey(), options.clock(),
                this::isActive, broker::blocked);
        statusPage.cancelWith(r -> handler.handle(r, io.impetus.coordinator.control.Caller.ADMIN));
        timer.scheduleWithFixedDelay(() -> safely("sample the status page's chart", statusPage::sample), 0,
                io.impetus.coordinator.status.StatusPage.SAMPLE_SECONDS, TimeUnit.SECONDS);
        // control requests and delayed jobs reach only the lease holder: it takes them while active, and
        // drops them when it stands by (lost its store, its broker, or the lease to another coordinator)
        io.impetus.coordinator.dead.DeadLetterWatch deadWatch =
                new io.impetus.coordinator.dead.DeadLetterWatch(broker, topology, options.signingKey());
        java.util.Map<String, io.impetus.core.broker.DeliveryHandler> duty = new java.util.LinkedHashMap<>();
        io.impetus.coordinator.control.ControlAnswers answers = new io.impetus.coordinator.control.ControlAnswers(
                broker, handler, options.signingKey(), options.adminUser(), registry, options.clock(),
                (task, ms) -> brokerCalls.schedule(() -> safely("give a request back to the queue", task), ms,
                        TimeUnit.MILLISECONDS), this::isActive);
        duty.put(topology.controlQueue(), d -> workers.execute(() -> answers.answer(d)));
        duty.put(topology.delayedQueue(), d -> workers.execute(() -> delayed.hold(d)));
        duty.put(topology.deadWatchQueue(), d -> workers.execute(() -> deadWatch.handle(d)));
        duties = new ActiveDuties(broker, CONTROL_PREFETCH, duty, this::declareShared,
                (task, ms) -> brokerCalls.schedule(() -> safely("close the consumers given up", task), ms,
                        TimeUnit.MILLISECONDS), task -> brokerCalls.execute(() -> safely("cancel the consumers", task)));
        // renewals on a thread of their own, each waited for at most Lease.RENEWAL_WAIT: a store or broker that
        // does not answer (a partition) hangs that thread only, and the watchdog below still stands this one by
        renewals = Executors.newSingleThreadExecutor(daemon("coordinator-lease-renewal"));
        lease = new Lease(store, options.clock(), holder, () -> broker.answers(Lease.BROKER_ANSWER), () -> {
            duties.take();
            timer.execute(() -> safely("check every stream's topology", this::declareAll));
        }, duties::drop, renewals, Lease.RENEWAL_WAIT);
        safely("take the lease", lease::keep);
        // the lease on threads of its own: slow upkeep (a management API that drops packets, thousands of
        // streams) never delays a renewal, and a renewal that hangs never delays the watchdog
        leaseTimer = Executors.newScheduledThreadPool(2, daemon("coordinator-lease"));
        // at a fixed rate: a renewal that failed after waiting for its deadline costs one period, not two
        leaseTimer.scheduleAtFixedRate(() -> safely("keep the lease", lease::keep), Lease.RENEW_MS, Lease.RENEW_MS,
                TimeUnit.MILLISECONDS);
        leaseTimer.scheduleWithFixedDelay(() -> safely("check the lease", lease::check), Lease.CHECK_MS, Lease.CHECK_MS,
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> safely("keep this coordinator's membership of the store", membership::keep),
                Lease.RENEW_MS, Lease.RENEW_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> safely("count the coordinators", membership::check), STREAMS_CHECK_SECONDS,
                STREAMS_CHECK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> safely("publish due jobs", () -> {
            if (isActive()) {
                delayed.runOnce();
            }
        }), 0, 100, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> safely("check the shared topology", this::declareShared),
                SHARED_CHECK_SECONDS, SHARED_CHECK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> safely("check every stream's topology", () -> {
            if (isActive()) {
                declareAll();
            }
        }), STREAMS_CHECK_SECONDS, STREAMS_CHECK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> safely("remove drained streams", () -> {
            if (isActive()) {
                removeDrainedStreams();
            }
        }), 5, 5, TimeUnit.SECONDS);
        RemoveOldRows upkeep = new RemoveOldRows(fenced, options.storeRetention());
        timer.scheduleWithFixedDelay(() -> safely("remove old rows from the store", () -> {
            if (isActive()) {
                upkeep.runOnce();
            }
        }), 60, RemoveOldRows.EVERY.toSeconds(), TimeUnit.SECONDS);
        log.info("coordinator started ({}, {}): broker {} (RabbitMQ {}), control queue {}, store {}, default queue type {},"
                + " {} streams known", lease.holder(), lease.active() ? "active" : "standby: another coordinator holds the lease",
                options.settings().redacted(), broker.serverVersion(), topology.controlQueue(), store.describe(),
                options.defaultQueueType(), store.streams(false).size());
    }

    /** The routes of the status page ({@code /}, {@code /api/status}, {@code /api/dead}); after {@link #start()}. */
    public java.util.Map<String, io.impetus.core.http.DaemonEndpoint.Handler> statusRoutes() {
        return statusPage.routes();
    }

    /** This coordinator's meters (and its JVM's), for {@code /metrics}. */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics() {
        return registry;
    }

    private void meters() {
        io.micrometer.core.instrument.Gauge.builder("impetus.coordinator.active", () -> isActive() ? 1 : 0)
                .description("1 while this coordinator holds the store's lease (the active one), else 0").register(registry);
        io.micrometer.core.instrument.Gauge.builder("impetus.broker.blocked", () -> broker.blocked().isPresent() ? 1 : 0)
                .description("1 while RabbitMQ blocks this process's connection (a memory or disk alarm), else 0")
                .register(registry);
        for (StreamInfo.State state : StreamInfo.State.values()) {
            io.micrometer.core.instrument.Gauge.builder("impetus.streams", () -> {
                try {
                    return store.streams(true).stream().filter(s -> s.state() == state).count();
                } catch (ImpetusException e) {
                    return Double.NaN; // the store cannot be read now
                }
            }).description("Streams the store keeps").tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
    }

    /**
     * Whether this coordinator is the active one: it holds the store's lease, so it alone publishes
     * takes control requests and delayed jobs (a standby does not consume them), publishes due delayed
     * jobs and tends the streams' queues.
     */
    public boolean isActive() {
        return lease != null && lease.active();
    }

    /**
     * The shared topology and this coordinator's events queue and bindings; idempotent, run on a
     * timer and whenever something is found missing, so a queue or exchange deleted by hand is back
     * within seconds.
     */
    private void declareShared() {
        streams.declareShared(options.defaultQueueType());
        if (eventsQueue != null) {
            broker.declareTemporaryQueue(eventsQueue);
            broker.bind(eventsQueue, topology.eventsExchange(), "node.*");
            broker.bind(eventsQueue, topology.eventsExchange(), Topology.SCALER_HEARTBEAT);
            broker.bind(eventsQueue, topology.eventsExchange(), Topology.JOB_CANCEL);
        }
    }

    /** Declares the shared topology and that of every open stream (at start, after recovery, on a timer). */
    private void declareAll() {
        declareShared();
        for (StreamInfo s : store.streams(false)) {
            try {
                if (streams.redeclareStream(s.id(), s.properties())) {
                    log.warn("the jobs queue of stream {} was missing; declared it again and told its clients", s.id());
                }
            } catch (ImpetusException e) {
                // one stream whose queue or exchange the broker refuses must not stop the others
                log.error("cannot re-declare stream {}: {} — delete its queue and exchange in the management UI"
                        + " (or close the stream) to let the coordinator declare them again", s.id(), e.getMessage());
            }
        }
    }

    /** Closed streams whose queue is empty and unconsumed and that hold no delayed job lose their queues. */
    void removeDrainedStreams() {
        for (StreamInfo s : store.streams(true)) {
            if (!s.isOpen() && !removed.contains(s.id()) && store.delayedCount(s.id()) == 0
                    && streams.removeIfDrained(s.id(), s.properties())) {
                removed.add(s.id());
                fenced.markDrained(s.id()); // its row goes after the store's retention
                log.info("removed the queues of closed stream {} (drained)", s.id());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void safely(String what, Runnable step) {
        try {
            step.run();
        } catch (ImpetusException e) {
            log.warn("coordinator: {} failed ({}); trying again next pass", what, e.getMessage()); // broker down, say
        } catch (Throwable t) {
            log.error("coordinator: {} failed; trying again next pass", what, t);
        }
    }

    private void announce(String routingKey, StreamInfo stream) {
        if (stream.isOpen()) {
            removed.remove(stream.id()); // reopened: its queues exist again
        }
        byte[] body = Json.write(stream);
        // signed and stamped: a node believes only the coordinator's word on a stream's limits and state
        publisher.publish(OutboundMessage.to(topology.eventsExchange(), routingKey).body(body)
                .headers(io.impetus.core.security.Signatures.eventHeaders(options.signingKey(), routingKey, body,
                        options.clock()))
                .type(routingKey).persistent(false).mandatory(false).build(), this::declareShared)
                .exceptionally(e -> {
                    log.warn("event {} for stream {} not published: {}", routingKey, stream.id(), e.getMessage());
                    return null;
                });
    }

    /** A cancel goes to every node (signed, like stream events: a node stops a job only on the coordinator's word). */
    private void announceCancel(io.impetus.core.job.JobCancel cancel) {
        byte[] body = Json.write(cancel);
        publisher.publish(OutboundMessage.to(topology.eventsExchange(), Topology.JOB_CANCEL).body(body)
                .headers(io.impetus.core.security.Signatures.eventHeaders(options.signingKey(), Topology.JOB_CANCEL,
                        body, options.clock()))
                .type(Topology.JOB_CANCEL).persistent(false).mandatory(false).build(), this::declareShared)
                .exceptionally(e -> {
                    log.warn("cancel of {} not announced: {}; nodes learn it from list_cancels", cancel, e.getMessage());
                    return null;
                });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        subscriptions.forEach(Subscription::cancel);
        if (leaseTimer != null) {
            leaseTimer.shutdownNow();
        }
        if (renewals != null) {
            renewals.shutdownNow();
        }
        if (duties != null) {
            duties.drop();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (workers != null) {
            workers.shutdown();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscriptions.forEach(Subscription::close);
        if (broker != null && store != null && isActive()) {
            // a stream closed just before a stop (the demo's HelloWorld) would keep its queue until the next start
            safely("remove drained streams", this::removeDrainedStreams);
        }
        if (lease != null) {
            safely("hand the lease over", lease::release); // a standby takes over at once
        }
        if (membership != null) {
            safely("leave the store's coordinators", membership::leave);
        }
        if (brokerCalls != null) {
            brokerCalls.shutdown();
        }
        if (broker != null) {
            broker.close();
        }
        if (store != null) {
            store.close();
        }
        log.info("coordinator stopped");
    }
}
