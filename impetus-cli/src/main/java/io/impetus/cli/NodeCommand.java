package io.impetus.cli;

import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.metrics.Metrics;
import io.impetus.scaler.provider.ec2.SsmParameters;
import io.impetus.worker.Node;
import io.impetus.worker.NodeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code impetus node start|stop|restart|foreground}: the seed's Node. */
@Command(name = "node", aliases = "worker", mixinStandardHelpOptions = true,
        description = "A worker node: runs each stream's jobs in child worker processes.")
final class NodeCommand extends DaemonCommand {
    @Mixin
    BrokerOptions broker;

    @Option(names = {"-m", "--mpps"}, paramLabel = "MPPS", description = "max number of processes per stream (default: 5)")
    int mpps = NodeOptions.DEFAULT_MPPS;

    @Option(names = "--max-workers", paramLabel = "N",
            description = "most worker processes of this node across all streams (default: 2 x cores)")
    int maxWorkers = NodeOptions.DEFAULT_MAX_WORKERS;

    @Option(names = "--warm-workers", paramLabel = "N",
            description = "blank worker processes kept started ahead of need, handed to any stream that needs a"
                    + " worker so that it skips a JVM start; they count against --max-workers; 0 keeps none"
                    + " (default: " + NodeOptions.DEFAULT_WARM_WORKERS + ")")
    int warmWorkers = NodeOptions.DEFAULT_WARM_WORKERS;

    @Option(names = "--share-workers-by-user", description = "let a started worker pass between streams that"
            + " different clients created under the same broker user (job code of one may then see what another's"
            + " left in the worker JVM); default off: only between streams of the same client and user")
    boolean shareWorkersByUser;

    @Option(names = "--jobs-per-worker", paramLabel = "N",
            description = "jobs taken per worker slot, so the next job is at hand while results await their confirm"
                    + " (default: 16)")
    int jobsPerWorker = NodeOptions.DEFAULT_JOBS_PER_WORKER;

    @Option(names = "--in-process", description = "run jobs on threads of the node's JVM (a class loader per bundle)"
            + " instead of worker processes: faster for short jobs, for trusted code only — a job that ignores"
            + " an interrupt cannot be stopped, and job code shares the node's memory and credentials (default: off)")
    boolean inProcess;

    @Option(names = "--drain-timeout", paramLabel = "SECONDS",
            description = "how long running jobs may take to finish when the node stops (default: 60; the kubernetes"
                    + " provider sets its --k8s-job-timeout)")
    long drainTimeout = NodeOptions.DEFAULT_DRAIN_TIMEOUT.toSeconds();

    @Mixin
    SigningOptions signing;

    @Option(names = "--insecure-no-signing",
            description = "run without a signing key: any broker login can then make this node run code")
    boolean insecureNoSigning;

    @Option(names = "--authkey-ssm-parameter", paramLabel = "NAME",
            description = "read the broker password from this AWS SSM Parameter Store SecureString (EC2 nodes)")
    String authkeySsmParameter;

    @Option(names = "--signing-key-ssm-parameter", paramLabel = "NAME",
            description = "read the signing key from this AWS SSM Parameter Store SecureString (EC2 nodes)")
    String signingKeySsmParameter;


    @Option(names = "--cache-dir", paramLabel = "DIR", description = "where code bundles are cached (default: a temp folder)")
    Path cacheDir;

    @Option(names = {"-d", "--dfs"}, paramLabel = "DFS",
            description = "host of the scaler (accepted for compatibility; unused: nodes report through RabbitMQ)")
    String dfs;

    @Option(names = {"-o", "--dport"}, paramLabel = "DPORT",
            description = "port of the scaler (accepted for compatibility; unused)")
    Integer dport;

    @Option(names = {"-u", "--dauthkey"}, paramLabel = "DAUTHKEY",
            description = "authorization key of the scaler (accepted for compatibility; unused)")
    String dauthkey;

    /** The node's id (the EC2 bootstrap sets the instance id; the Kubernetes provider the pod name). */
    static final String ENV_NODE_ID = "IMPETUS_NODE_ID";
    /** Fault injection for tests: see {@link NodeOptions#haltAfterResult()}. */
    static final String ENV_FAULT_HALT_AFTER_RESULT = "IMPETUS_FAULT_HALT_AFTER_RESULT";

    /** The field an options message starts with ({@code "mpps (max processes per stream) must be …"}: mpps). */
    static String fieldOf(String message) {
        int end = 0;
        while (end < message.length() && Character.isJavaIdentifierPart(message.charAt(end))) {
            end++;
        }
        return end == 0 ? "node" : message.substring(0, end);
    }

    @Override
    String fileName() {
        return "Node";
    }

    @Override
    void checkOptions() {
        http.check();
    }

    @Override
    List<String> unusedOptions() {
        if (dfs != null || dport != null || dauthkey != null) {
            return List.of("-d/-o/-u (the scaler's address) are unused: nodes report to the scaler through"
                    + " RabbitMQ heartbeats");
        }
        return List.of();
    }

    @picocli.CommandLine.Mixin
    HttpOptions http;

    @Override
    AutoCloseable startHere() {
        if (authkeySsmParameter != null && !authkeySsmParameter.isBlank()) {
            broker.authkey = SsmParameters.read(authkeySsmParameter, null, null);
        }
        if (signingKeySsmParameter != null && !signingKeySsmParameter.isBlank()) {
            signing.key = SsmParameters.read(signingKeySsmParameter, null, null);
        }
        NodeOptions.Builder b = NodeOptions.builder(broker.resolve()).mpps(mpps).maxWorkers(maxWorkers)
                .jobsPerWorker(jobsPerWorker).inProcess(inProcess).warmWorkers(warmWorkers).shareWorkersByUser(shareWorkersByUser)
                .drainTimeout(Duration.ofSeconds(drainTimeout));
        if (cacheDir != null) {
            b.cacheDir(cacheDir);
        }
        b.signingKey(signing.resolve());
        // the environment is read here, at the edge, and passed in
        b.nodeId(System.getenv(ENV_NODE_ID)).haltAfterResult(System.getenv(ENV_FAULT_HALT_AFTER_RESULT))
                .maxBufferedBytes(DeliveryBudget.fromEnvironment(System.getenv(), Runtime.getRuntime().maxMemory())
                        .limit())
                .workerJvmOptions(JvmFlags.of(JvmFlags.Role.WORKER, System.getenv()));
        NodeOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException e) { // the message names the field and how to set it
            throw new InvalidPropertyException(fieldOf(e.getMessage()), e.getMessage());
        }
        if (options.signingKey() == null && !insecureNoSigning) {
            throw new InvalidPropertyException("signing-key", "a node needs the installation's signing key:"
                    + " IMPETUS_SIGNING_KEY, IMPETUS_SIGNING_KEY_FILE or --signing-key-file (make one with 'impetus"
                    + " keygen'); or --insecure-no-signing to run jobs nobody signed");
        }
        http.check(); // a bad port or a missing key is a clear error before anything starts
        Node node = new Node(options);
        node.start();
        try {
            return HttpOptions.together(node, http.start("node", Map.of("/metrics",
                    Metrics.handler(node.metrics()))));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }
}
