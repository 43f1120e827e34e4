package io.impetus.coordinator;

import static io.impetus.core.config.OptionCheck.present;
import static io.impetus.core.config.OptionCheck.require;

import io.impetus.coordinator.control.ControlAnswers;
import io.impetus.coordinator.control.Caller;
import io.impetus.coordinator.control.ControlHandler;
import io.impetus.coordinator.control.ScheduleControl;
import io.impetus.coordinator.schedule.ScheduleFiring;
import io.impetus.coordinator.schedule.ScheduleResults;
import io.impetus.coordinator.control.NodeRegistry;
import io.impetus.coordinator.dead.DeadLetterWatch;
import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.dependant.Dependants;
import io.impetus.coordinator.status.StatusPage;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.ListedTopology;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.RepairingPublisher;
import io.impetus.core.broker.Subscription;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.metrics.Metrics;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.topology.Topology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
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
    static final int CONTROL_PREFETCH = 64;
    /** The AMQP heartbeat the coordinator asks for: RabbitMQ drops a cut-off coordinator's consumers (and
     * requeues the requests they held) within two to three of them, so a standby's consumers take over. */
    static final Duration BROKER_HEARTBEAT = Duration.ofSeconds(3);
    /** How long the store keeps the row of a closed, drained stream, and a gone coordinator's member lease. */
    public static final Duration DEFAULT_STORE_RETENTION = Duration.ofDays(7);

    /**
     * How a coordinator runs. Build with {@link #builder(ConnectionSettings, Path)}; the record checks every
     * field and refuses a bad one naming it and how to set it.
     *
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
                          SigningKey signingKey, String adminUser, String store,
                          QueueType defaultQueueType, Duration storeRetention) {
        public Options {
            present(settings, "settings", "set --uri (or IMPETUS_RABBITMQ_URI) or Coordinator.Options.builder(settings,"
                    + " dataDir)");
            present(dataDir, "dataDir", "set --data-dir or Coordinator.Options.builder(settings, dataDir)");
            storeRetention = storeRetention == null ? DEFAULT_STORE_RETENTION : storeRetention;
            require(storeRetention.compareTo(Duration.ofMinutes(1)) >= 0, "storeRetention",
                    "at least 1 minute (default " + DEFAULT_STORE_RETENTION.toDays() + " days)", storeRetention,
                    "set --store-retention-days (or IMPETUS_STORE_RETENTION_DAYS) or"
                            + " Coordinator.Options.builder(…).storeRetention(d)");
            defaultQueueType = defaultQueueType == null ? QueueType.CLASSIC : defaultQueueType;
            require(rpcThreads >= 1, "rpcThreads", "at least 1", rpcThreads,
                    "Coordinator.Options.builder(…).rpcThreads(n)");
            clock = clock == null ? Clock.systemUTC() : clock;
            adminUser = adminUser == null ? settings.user() : adminUser;
        }

        /** Defaults; the signing key is this process's ({@code IMPETUS_SIGNING_KEY(_FILE)}), if any. */
        public static Options of(ConnectionSettings settings, Path dataDir) {
            return builder(settings, dataDir).build();
        }

        /** The defaults above (the signing key this process's, if any); change what you need. */
        public static Builder builder(ConnectionSettings settings, Path dataDir) {
            return new Builder(settings, dataDir);
        }

        /** Collects options; {@link #build()} validates. */
        public static final class Builder {
            private final ConnectionSettings settings;
            private final Path dataDir;
            private int rpcThreads = DEFAULT_RPC_THREADS;
            private Clock clock = Clock.systemUTC();
            private SigningKey signingKey = SigningKey.configured();
            private String adminUser;
            private String store;
            private QueueType defaultQueueType = QueueType.CLASSIC;
            private Duration storeRetention = DEFAULT_STORE_RETENTION;

            private Builder(ConnectionSettings settings, Path dataDir) {
                this.settings = settings;
                this.dataDir = dataDir;
            }

            /** How many requests are handled at once; default {@value #DEFAULT_RPC_THREADS}. */
            public Builder rpcThreads(int v) { rpcThreads = v; return this; }
            /** The time source; default the system's. */
            public Builder clock(Clock v) { clock = v; return this; }
            /** The installation's signing key ({@code null}: none); default {@code IMPETUS_SIGNING_KEY(_FILE)}. */
            public Builder signingKey(SigningKey v) { signingKey = v; return this; }
            /** The broker user that may change or close any stream; default the coordinator's own. */
            public Builder adminUser(String v) { adminUser = v; return this; }
            /** {@code h2} (default) or a {@code jdbc:postgresql://} URL. */
            public Builder store(String v) { store = v; return this; }
            /** The queue type of streams created without one; default classic. */
            public Builder defaultQueueType(QueueType v) { defaultQueueType = v; return this; }
            /** How long a closed stream's row is kept; default 7 days. */
            public Builder storeRetention(Duration v) { storeRetention = v; return this; }

            public Options build() {
                return new Options(settings, dataDir, rpcThreads, clock, signingKey, adminUser, store,
                        defaultQueueType, storeRetention);
            }
        }
    }

    private final Options options;
    private final Topology topology;
    private final String holder = Lease.holderName();
    private final PrometheusMeterRegistry registry = Metrics.registry("coordinator");
    private final CoordinatorMeters meters = new CoordinatorMeters(registry);
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The loop's steps, each on the thread it needs (see start()). */
    private final Loop loop = new Loop();
    /** The store, the broker and this coordinator's membership of the store ({@code null} until started). */
    private Connections connections;
    /** The request pool, the broker calls' thread and the lease's renewals (the loop's are in {@link #loop}). */
    private CoordinatorThreads threads;
    private Announcements announcements;
    private ActiveDuties duties;
    private Lease lease;
    private DeclareSharedTopology shared;
    private RemoveDrainedStreams removeDrained;
    private volatile StatusPage statusPage;

    public Coordinator(Options options) {
        this.options = options;
        this.topology = options.settings().topology();
    }

    public void start() {
        connections = Connections.open(options, holder);
        CoordinatorStore store = connections.store;
        Broker broker = connections.broker;
        Membership membership = connections.membership;
        // the store through the lease's fence: every write only the active coordinator may do goes through it
        CoordinatorStore fenced = store.fenced(Lease.NAME, () -> lease == null ? 0 : lease.epoch(),
                stale -> lease.fenced(stale));
        Clock clock = options.clock();
        SigningKey key = options.signingKey();
        StreamTopology streams = new StreamTopology(broker, topology, key, clock);
        NodeRegistry nodes = new NodeRegistry(clock, key);
        threads = new CoordinatorThreads(options.rpcThreads());
        String eventsQueue = topology.eventsQueue("coordinator", String.valueOf(ProcessHandle.current().pid()));
        shared = new DeclareSharedTopology(streams, broker, topology, options.defaultQueueType(),
                eventsQueue);
        announcements = new Announcements(new RepairingPublisher(broker, threads.requests()), topology, key, clock,
                shared::runOnce);
        ControlHandler handler = new ControlHandler(fenced, streams, nodes, clock, this::announce, options.defaultQueueType());
        handler.onCancel(announcements::cancel); // accepted cancels are in the store, which every coordinator reads
        ManagementClient management = new ManagementClient(options.settings());
        RedeclareStreams redeclare = new RedeclareStreams(store, streams, shared, ListedTopology.from(management, topology),
                this::isActive);
        shared.runOnce();
        broker.onRecovery(redeclare::declareEach);
        subscriptions.add(broker.consume(eventsQueue, 100, nodes::onEvent, shared::runOnce));
        DelayedJobs delayed = new DelayedJobs(fenced, broker, topology, key, clock, threads::later, meters::deadLettered,
                this::isActive);
        meters.register(this::isActive, broker, store);
        statusPage = new StatusPage(store, nodes, management, new DeadLetters(broker, topology),
                topology, key, clock, this::isActive, broker::blocked);
        statusPage.cancelWith(r -> handler.handle(r, Caller.ADMIN));

        // control requests, delayed jobs and dead letters reach only the lease holder: it takes them while
        // active, and drops them when it stands by (lost its store, its broker, or the lease to another coordinator)
        ControlAnswers answers = new ControlAnswers(broker, handler, key, options.adminUser(), registry, clock,
                threads.laterSafely("give a request back to the queue"), this::isActive);
        DeadLetterWatch deadWatch = new DeadLetterWatch(broker, topology, key);
        Dependants dependants = new Dependants(fenced, key, threads.laterSafely("give a done notice back to the queue"));
        handler.answerForkAfterWith(dependants::forkAfter);
        ScheduleResults scheduleResults = new ScheduleResults(broker, topology);
        ScheduleFiring firing = new ScheduleFiring(fenced, scheduleResults, key, clock);
        ScheduleControl schedules = new ScheduleControl(fenced, firing, scheduleResults, key, clock);
        handler.answerSchedulesWith(schedules::answer);
        statusPage.schedulesFrom(schedules::all);
        Map<String, DeliveryHandler> duty = new LinkedHashMap<>();
        ExecutorService requests = threads.requests();
        duty.put(topology.controlQueue(), d -> requests.execute(() -> answers.answer(d)));
        duty.put(topology.delayedQueue(), d -> requests.execute(() -> delayed.hold(d)));
        duty.put(topology.deadWatchQueue(), d -> requests.execute(() -> deadWatch.handle(d)));
        duty.put(topology.doneQueue(), d -> requests.execute(() -> dependants.noticed(d)));
        duties = new ActiveDuties(broker, CONTROL_PREFETCH, duty, shared::runOnce,
                threads.laterSafely("close the consumers given up"), threads.brokerCallsSafely("cancel the consumers"));

        // the lease: renewals on threads of their own (they overlap when the store is slow, and one that hangs
        // holds only its own), asked only while the broker answered a round trip lately (its own thread too)
        PingBroker ping = new PingBroker(broker, clock, holder);
        ping.runOnce();
        lease = new Lease(store, clock, holder, ping::answersLately, () -> {
            duties.take();
            loop.now("upkeep", "check every stream's topology", redeclare::declareAll);
        }, duties::drop, threads.renewals());
        KeepLease keepLease = new KeepLease(lease);
        keepLease.first();
        removeDrained = new RemoveDrainedStreams(store, fenced, streams, this::isActive);

        // the loop: each step on the thread it needs. The lease's never wait behind upkeep (a management API that
        // drops packets, thousands of streams), nor due jobs behind either. A new step: a class with runOnce()
        // and its period, and one line here (docs/ARCHITECTURE.md, "The coordinator's loop").
        WatchLease watchLease = new WatchLease(lease);
        loop.atRate("lease", "keep the lease", KeepLease.EVERY, keepLease::runOnce);
        loop.every("lease-watch", "check the lease", WatchLease.EVERY, WatchLease.EVERY, watchLease::runOnce);
        loop.every("broker-ping", "ask the broker for a round trip", PingBroker.EVERY, PingBroker.EVERY, ping::runOnce);
        // the two polls ask the store only when something may be due: hints from every commit that held delayed
        // jobs and every schedule change, the due times their last look found, and a look at least once a second
        DueWatch dueJobs = new DueWatch(Lease.monotonic(clock));
        store.onJobsHeld(dueJobs::due);
        PublishDueJobs publishDue = new PublishDueJobs(delayed, this::isActive, dueJobs);
        loop.every("due-jobs", "publish due jobs", Duration.ZERO, PublishDueJobs.EVERY, publishDue::runOnce);
        DueWatch dueSchedules = new DueWatch(Lease.monotonic(clock));
        firing.whenChanged(() -> dueSchedules.due(Duration.ZERO));
        FireSchedules fireSchedules = new FireSchedules(firing, this::isActive, dueSchedules);
        loop.every("schedules", "fire due schedules", Duration.ZERO, FireSchedules.EVERY, fireSchedules::runOnce);
        KeepMembership keepMembership = new KeepMembership(membership);
        CountCoordinators count = new CountCoordinators(membership);
        loop.every("membership", "keep this coordinator's membership of the store", KeepMembership.EVERY,
                KeepMembership.EVERY, keepMembership::runOnce);
        loop.every("membership", "count the coordinators", CountCoordinators.EVERY, CountCoordinators.EVERY, count::runOnce);
        SampleStatus sample = new SampleStatus(statusPage);
        loop.every("status", "sample the status page's chart", Duration.ZERO, SampleStatus.EVERY, sample::runOnce);
        RemoveOldRows removeOld = new RemoveOldRows(fenced, options.storeRetention(), this::isActive);
        loop.every("upkeep", "check the shared topology", DeclareSharedTopology.EVERY, DeclareSharedTopology.EVERY,
                shared::runOnce);
        loop.every("upkeep", "check every stream's topology", RedeclareStreams.EVERY, RedeclareStreams.EVERY,
                redeclare::runOnce);
        loop.every("upkeep", "remove drained streams", RemoveDrainedStreams.EVERY, RemoveDrainedStreams.EVERY,
                removeDrained::runOnce);
        loop.every("upkeep", "remove old rows from the store", RemoveOldRows.FIRST, RemoveOldRows.EVERY, removeOld::runOnce);
        log.info("coordinator started ({}, {}): broker {} (RabbitMQ {}), control queue {}, store {}, default queue type {},"
                + " {} streams known", lease.holder(), lease.active() ? "active" : "standby: another coordinator holds the lease",
                options.settings().redacted(), broker.serverVersion(), topology.controlQueue(), store.describe(),
                options.defaultQueueType(), store.streams(false).size());
    }

    /** The routes of the status page ({@code /}, {@code /api/status}, {@code /api/dead}); after {@link #start()}. */
    public Map<String, DaemonEndpoint.Handler> statusRoutes() {
        return statusPage.routes();
    }

    /** This coordinator's meters (and its JVM's), for {@code /metrics}. */
    public PrometheusMeterRegistry metrics() {
        return registry;
    }

    /**
     * Whether this coordinator is the active one: it holds the store's lease, so it alone takes control
     * requests and delayed jobs (a standby does not consume them), publishes due delayed jobs and tends
     * the streams' queues.
     */
    public boolean isActive() {
        return lease != null && lease.active();
    }

    private void announce(String routingKey, StreamInfo stream) {
        if (stream.isOpen() && removeDrained != null) {
            removeDrained.reopened(stream.id());
        }
        announcements.stream(routingKey, stream);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        subscriptions.forEach(Subscription::cancel);
        loop.close();
        if (threads != null) {
            threads.stopRenewals();
        }
        if (duties != null) {
            duties.drop();
        }
        if (threads != null) {
            threads.finishRequests();
        }
        subscriptions.forEach(Subscription::close);
        if (connections != null && removeDrained != null) {
            // a stream closed just before a stop (the demo's HelloWorld) would keep its queue until the next start
            Loop.safely("remove drained streams", removeDrained::runOnce);
        }
        if (lease != null) {
            Loop.safely("hand the lease over", lease::release); // a standby takes over at once
        }
        if (connections != null) {
            Loop.safely("leave the store's coordinators", connections.membership::leave);
        }
        if (threads != null) {
            threads.stopBrokerCalls();
        }
        if (connections != null) {
            connections.close();
        }
        log.info("coordinator stopped");
    }
}
