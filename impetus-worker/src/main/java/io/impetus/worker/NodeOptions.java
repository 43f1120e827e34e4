package io.impetus.worker;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.security.SigningKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
        SigningKey signingKey) {

    public static final int DEFAULT_MPPS = 5;
    /** Two per core: enough to keep the cores busy, few enough that 200 streams cannot start 200 JVMs. */
    public static final int DEFAULT_MAX_WORKERS = 2 * Runtime.getRuntime().availableProcessors();
    public static final int DEFAULT_JOBS_PER_WORKER = 16;
    public static final List<String> DEFAULT_WORKER_JVM_OPTIONS =
            io.impetus.core.config.JvmFlags.of(io.impetus.core.config.JvmFlags.Role.WORKER);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LIST_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);

    public NodeOptions {
        Objects.requireNonNull(settings, "settings");
        if (mpps < 1 || mpps > 1000) {
            throw new IllegalArgumentException("mpps (max processes per stream) must be between 1 and 1000, was " + mpps);
        }
        if (maxWorkers < 1 || maxWorkers > 10_000) {
            throw new IllegalArgumentException("max workers (of the node) must be between 1 and 10000, was " + maxWorkers);
        }
        if (jobsPerWorker < 1 || jobsPerWorker > 1000) {
            throw new IllegalArgumentException("jobs per worker must be between 1 and 1000, was " + jobsPerWorker);
        }
        workerJvmOptions = List.copyOf(workerJvmOptions);
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

        public NodeOptions build() {
            return new NodeOptions(settings, mpps, maxWorkers, jobsPerWorker, cacheDir, workerJvmOptions, pollInterval,
                    listInterval, heartbeatInterval, drainTimeout, clock, signingKey);
        }
    }
}
