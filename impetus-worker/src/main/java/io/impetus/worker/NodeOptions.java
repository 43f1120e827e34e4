package io.impetus.worker;

import static io.impetus.core.config.OptionCheck.present;
import static io.impetus.core.config.OptionCheck.require;

import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.security.SigningKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a node runs. Build with {@link #builder(ConnectionSettings)}; {@code build()} validates.
 *
 * @param settings where RabbitMQ is
 * @param mpps most worker processes per stream
 * @param maxWorkers most worker processes of the node, across every stream
 * @param jobsPerWorker jobs buffered per worker slot, so the next job is at hand
 * @param cacheDir where code bundles are cached (made owner-only); {@code null}: a private folder of this node
 * @param workerJvmOptions options for each worker JVM
 * @param pollInterval how often the node checks its streams
 * @param listInterval how often it asks the coordinator for the stream list
 * @param heartbeatInterval how often it reports itself
 * @param drainTimeout how long running jobs may take to finish at shutdown
 * @param clock time source
 * @param signingKey the installation's signing key: unsigned or mis-signed jobs are dead-lettered
 *     and results are signed; {@code null} when the installation signs nothing
 * @param nodeId the node's id ({@code IMPETUS_NODE_ID}, read by {@code impetus node}: the EC2 instance id,
 *     the Kubernetes pod name); {@code null}: host name and process id
 * @param haltAfterResult fault injection for tests ({@code IMPETUS_FAULT_HALT_AFTER_RESULT}): a job
 *     function name whose first result makes the node halt between the result's confirm and the job's
 *     ack; {@code null}: never
 * @param maxBufferedBytes bytes of jobs the node holds from the broker at once, across its streams
 *     ({@code IMPETUS_MAX_BUFFERED_BYTES}, read by {@code impetus node}); default half the heap, at least 8 MiB
 * @param inProcess run jobs on threads of the node's own JVM (a class loader per bundle, no worker
 *     process, no pipe) instead of in worker processes; for trusted short jobs only: a job that
 *     ignores its thread's interrupt cannot be stopped, and job code shares the node's memory,
 *     files and credentials. The node's operator opts in ({@code impetus node --in-process}); a
 *     client cannot ask for it. Default off
 * @param warmWorkers blank worker processes the node keeps started ahead of need (its warm pool): a
 *     stream that needs a worker takes one instead of waiting for a JVM to start; each counts against
 *     {@code maxWorkers} while it waits, and only free slots are used for them. 0 keeps none; ignored
 *     with {@code inProcess} (no process to start). Default {@value #DEFAULT_WARM_WORKERS}
 * @param shareWorkersByUser opt-in: a started worker may pass between streams created under the same
 *     broker user by different clients (job code of one may then see what another's left in the JVM);
 *     default off: only between streams of the same creator (client id and broker user). See
 *     docs/SECURITY.md
 */
public record NodeOptions(
        ConnectionSettings settings,
        int mpps,
        int maxWorkers,
        int jobsPerWorker,
        Path cacheDir,
        List<String> workerJvmOptions,
        Duration pollInterval,
        Duration listInterval,
        Duration heartbeatInterval,
        Duration drainTimeout,
        Clock clock,
        SigningKey signingKey,
        String nodeId,
        String haltAfterResult,
        long maxBufferedBytes,
        boolean inProcess,
        int warmWorkers,
        boolean shareWorkersByUser) {

    public static final int DEFAULT_MPPS = 5;
    /** Two per core: enough to keep the cores busy, few enough that 200 streams cannot start 200 JVMs. */
    public static final int DEFAULT_MAX_WORKERS = 2 * Runtime.getRuntime().availableProcessors();
    public static final int DEFAULT_JOBS_PER_WORKER = 16;
    /** The worker role's built-in flags; {@code impetus node} passes {@code IMPETUS_WORKER_JAVA_OPTS} instead if set. */
    public static final List<String> DEFAULT_WORKER_JVM_OPTIONS =
            JvmFlags.of(JvmFlags.Role.WORKER, Map.of());
    /** One blank worker ready: the first job of a new stream skips a JVM start; one JVM's memory (~50 MB) idle. */
    public static final int DEFAULT_WARM_WORKERS = 1;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LIST_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);

    /** Validates every option; a bad one is refused naming the field and how to set it. */
    public NodeOptions {
        present(settings, "settings", "set --uri (or IMPETUS_RABBITMQ_URI) or NodeOptions.builder(settings)");
        require(mpps >= 1 && mpps <= 1000, "mpps (max processes per stream)", "between 1 and 1000", mpps,
                "set --mpps or NodeOptions.builder(settings).mpps(n)");
        require(maxWorkers >= 1 && maxWorkers <= 10_000, "maxWorkers (of the node)", "between 1 and 10000", maxWorkers,
                "set --max-workers or NodeOptions.builder(settings).maxWorkers(n)");
        require(jobsPerWorker >= 1 && jobsPerWorker <= 1000, "jobsPerWorker", "between 1 and 1000", jobsPerWorker,
                "set --jobs-per-worker or NodeOptions.builder(settings).jobsPerWorker(n)");
        workerJvmOptions = List.copyOf(present(workerJvmOptions, "workerJvmOptions",
                "NodeOptions.builder(settings).workerJvmOptions(List.of())"));
        positive(pollInterval, "pollInterval", "NodeOptions.builder(settings).pollInterval(Duration.ofSeconds(1))");
        positive(listInterval, "listInterval", "NodeOptions.builder(settings).listInterval(Duration.ofSeconds(5))");
        positive(heartbeatInterval, "heartbeatInterval",
                "NodeOptions.builder(settings).heartbeatInterval(Duration.ofSeconds(5))");
        present(drainTimeout, "drainTimeout", "set --drain-timeout or NodeOptions.builder(settings).drainTimeout(d)");
        require(!drainTimeout.isNegative(), "drainTimeout", "zero or more", drainTimeout,
                "set --drain-timeout or NodeOptions.builder(settings).drainTimeout(d)");
        present(clock, "clock", "NodeOptions.builder(settings).clock(Clock.systemUTC())");
        nodeId = nodeId == null || nodeId.isBlank() ? null : nodeId;
        haltAfterResult = haltAfterResult == null || haltAfterResult.isBlank() ? null : haltAfterResult;
        require(maxBufferedBytes >= 1, "maxBufferedBytes", "at least 1", maxBufferedBytes,
                "set " + DeliveryBudget.ENV_MAX_BUFFERED_BYTES + " or NodeOptions.builder(settings).maxBufferedBytes(n)");
        require(warmWorkers >= 0 && warmWorkers <= maxWorkers, "warmWorkers (blank workers kept ready)",
                "between 0 and maxWorkers (" + maxWorkers + ")", warmWorkers,
                "set --warm-workers or NodeOptions.builder(settings).warmWorkers(n)");
    }

    private static void positive(Duration d, String field, String fix) {
        present(d, field, fix);
        require(!d.isZero() && !d.isNegative(), field, "positive", d, fix);
    }

    public static Builder builder(ConnectionSettings settings) {
        return new Builder(settings);
    }

    /** Defaults from the design; change what you need. */
    public static final class Builder {
        private final ConnectionSettings settings;
        private int mpps = DEFAULT_MPPS;
        private int maxWorkers = DEFAULT_MAX_WORKERS;
        private int jobsPerWorker = DEFAULT_JOBS_PER_WORKER;
        private Path cacheDir;
        private List<String> workerJvmOptions = DEFAULT_WORKER_JVM_OPTIONS;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration listInterval = DEFAULT_LIST_INTERVAL;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private SigningKey signingKey = SigningKey.configured();
        private String nodeId;
        private String haltAfterResult;
        private long maxBufferedBytes = DeliveryBudget.fromEnvironment(Map.of(), Runtime.getRuntime().maxMemory())
                .limit();
        private boolean inProcess;
        private int warmWorkers = DEFAULT_WARM_WORKERS;
        private boolean shareWorkersByUser;

        private Builder(ConnectionSettings settings) {
            this.settings = settings;
        }

        public Builder mpps(int v) { mpps = v; return this; }
        public Builder maxWorkers(int v) { maxWorkers = v; return this; }
        public Builder jobsPerWorker(int v) { jobsPerWorker = v; return this; }
        public Builder cacheDir(Path v) { cacheDir = v; return this; }
        public Builder workerJvmOptions(List<String> v) { workerJvmOptions = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder listInterval(Duration v) { listInterval = v; return this; }
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder signingKey(SigningKey v) { signingKey = v; return this; }
        /** The node's id; default: host name and process id ({@code impetus node} passes {@code IMPETUS_NODE_ID}). */
        public Builder nodeId(String v) { nodeId = v; return this; }
        /** Fault injection for tests: halt after the first result of jobs of this function; default never. */
        public Builder haltAfterResult(String v) { haltAfterResult = v; return this; }
        /** Bytes of jobs held from the broker at once; default half the heap ({@code impetus node} passes
         *  {@code IMPETUS_MAX_BUFFERED_BYTES}). */
        public Builder maxBufferedBytes(long v) { maxBufferedBytes = v; return this; }
        /** Runs jobs on threads of the node's JVM, not in worker processes: for trusted short jobs only
         *  (see {@link NodeOptions#inProcess()}); default off. */
        public Builder inProcess(boolean v) { inProcess = v; return this; }
        /** Blank workers kept started ahead of need (see {@link NodeOptions#warmWorkers()}); 0 keeps none;
         *  default {@value NodeOptions#DEFAULT_WARM_WORKERS}. */
        public Builder warmWorkers(int v) { warmWorkers = v; return this; }
        /** Lets started workers pass between streams of different clients under one broker user
         *  (see {@link NodeOptions#shareWorkersByUser()}); default off. */
        public Builder shareWorkersByUser(boolean v) { shareWorkersByUser = v; return this; }

        public NodeOptions build() {
            return new NodeOptions(settings, mpps, maxWorkers, jobsPerWorker, cacheDir, workerJvmOptions, pollInterval,
                    listInterval, heartbeatInterval, drainTimeout, clock, signingKey, nodeId, haltAfterResult,
                    maxBufferedBytes, inProcess, warmWorkers, shareWorkersByUser);
        }
    }
}
