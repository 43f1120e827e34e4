package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./impetus bench}: Impetus against the raw amqp-client limit on the same broker, in one
 * run. Starts its own coordinator and node (with its own topology prefix), alternates raw and
 * Impetus rounds, prints one line per figure with the ratio, and writes a markdown report.
 */
@Command(name = "impetus bench", mixinStandardHelpOptions = true,
        description = "Measure Impetus against a raw amqp-client baseline doing the same message work.")
public final class Bench implements Callable<Integer> {
    @Option(names = "--jobs", description = "jobs per throughput run (default: ${DEFAULT-VALUE})")
    int jobs = 20_000;

    @Option(names = "--mpps", description = "worker processes of the node, and raw consumers (default: ${DEFAULT-VALUE})")
    int mpps = 2;

    @Option(names = "--jobs-per-worker", description = "jobs in flight per worker (default: ${DEFAULT-VALUE})")
    int jobsPerWorker = 16;

    @Option(names = "--payload", paramLabel = "BYTES", description = "filler bytes in each job's argument (default: ${DEFAULT-VALUE})")
    int payload = 0;

    @Option(names = "--repeat", description = "alternating raw/Impetus rounds; median and range are reported (default: ${DEFAULT-VALUE})")
    int repeat = 1;

    @Option(names = "--latency-samples", description = "single jobs timed one at a time (default: ${DEFAULT-VALUE})")
    int samples = 200;

    @Option(names = "--client-jobs", paramLabel = "N", description = "also run N jobs through one Client API program"
            + " with a 128 MB heap (-Xmx128m), every result checked once, and report the time and peak memory (default: none)")
    int clientJobs;

    @Option(names = "--nodes", description = "nodes started on this machine (default: ${DEFAULT-VALUE})")
    int nodes = 1;

    @Option(names = "--shape", paramLabel = "STREAMSxJOBS", description = "also run the shape of work: one client"
            + " opens STREAMS new streams and forks JOBS into each, against the same total on one new stream;"
            + " repeatable, e.g. --shape 300x10 --shape 1000x10")
    List<String> shapes = new ArrayList<>();

    @Option(names = "--open-one-by-one", description = "in the --shape rows, open each stream and wait for it"
            + " (Impetus.stream) rather than all together (Impetus.streams)")
    boolean openOneByOne;

    @Option(names = "--queue-type", paramLabel = "TYPE", description = "the --shape rows' streams: classic or"
            + " quorum (property queueType; a quorum stream gets up to 4 band queues) (default: ${DEFAULT-VALUE})")
    String queueType = "classic";

    @Option(names = "--idle", description = "after each --shape row, wait until its streams are idle, measure the"
            + " processes' CPU for 10 s and the first result of a job forked into 5 of them")
    boolean idleRows;

    @Option(names = "--clients", paramLabel = "N", description = "also run many clients at once: N clients (each"
            + " its own connection, in this JVM) fork --jobs jobs in all into one stream, then each into its own"
            + " stream, against one client forking them into one stream (default: none)")
    int clients;

    @Option(names = "--spread", description = "also run --jobs jobs on one stream through all --nodes nodes and count"
            + " the jobs each node ran (with --nodes 20 --mpps 1: no node starved?)")
    boolean spread;

    @Option(names = "--scaler-queues", paramLabel = "N", description = "also time the scaler's pass (in this JVM,"
            + " against the real management API) with N throwaway stream queues declared (default: none)")
    int scalerQueues;

    @Option(names = "--in-process", description = "start the nodes with --in-process: jobs run on threads of the"
            + " node's JVM, not in worker processes")
    boolean inProcess;

    @Option(names = "--warm-workers", paramLabel = "N", description = "start the nodes with --warm-workers N: blank"
            + " worker processes kept ready (default: the node's default)")
    Integer warmWorkers;

    @Option(names = "--share-workers-by-user", description = "start the nodes with --share-workers-by-user: started"
            + " workers pass between streams of different clients under the same broker user (opt-in, not the default)")
    boolean shareWorkersByUser;

    @Option(names = "--in-flight-only", description = "run only the one-by-one rows (raw and Impetus, --jobs at"
            + " 32 in flight, with their CPU per job): no deep pipeline, bulk, quorum, latency or cold-start rows")
    boolean inFlightOnly;

    /** Most clients of --clients: each is a connection, a results queue and a forking thread in this JVM. */
    static final int MAX_CLIENTS = 500;

    /** Most throwaway queues of --scaler-queues. */
    static final int MAX_SCALER_QUEUES = 20_000;

    private int statusPort;

    /** What is wrong with the options, as a line naming the option and how to fix it; null when nothing is. */
    String problem() {
        if (jobs < 1 || mpps < 1 || repeat < 1 || samples < 1 || payload < 0 || jobsPerWorker < 1 || nodes < 1) {
            return "--jobs, --mpps, --repeat, --latency-samples, --jobs-per-worker, --nodes must be at least 1 and"
                    + " --payload at least 0";
        }
        try {
            shapes.forEach(ShapeRows::parseShape);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            QueueType.parse("--queue-type", queueType);
        } catch (RuntimeException e) {
            return "--queue-type must be classic or quorum, was '" + queueType + "'; e.g. --queue-type quorum";
        }
        if (clients < 0 || clients == 1 || clients > MAX_CLIENTS) {
            return "--clients must be 2 to " + MAX_CLIENTS + " (the clients at once, compared with one client), was "
                    + clients + "; e.g. --clients 50";
        }
        if (clients > jobs) {
            return "--clients " + clients + " is more than --jobs " + jobs + ": every client forks at least one job;"
                    + " raise --jobs";
        }
        if (scalerQueues < 0 || scalerQueues > MAX_SCALER_QUEUES) {
            return "--scaler-queues must be 1 to " + MAX_SCALER_QUEUES + " (throwaway queues present during the"
                    + " scaler's pass), was " + scalerQueues + "; e.g. --scaler-queues 1000";
        }
        if (spread && nodes < 2) {
            return "--spread needs --nodes 2 or more (it counts the jobs each node ran), e.g. --nodes 20 --mpps 1";
        }
        if (shapeOnly && shapes.isEmpty() && clients == 0 && !spread && scalerQueues == 0) {
            return "--shape-only needs a row to run: --shape STREAMSxJOBS (e.g. --shape 300x10), --clients N,"
                    + " --spread or --scaler-queues N";
        }
        return null;
    }

    @Option(names = "--shape-only", description = "run only the rows of --shape, --clients, --spread and"
            + " --scaler-queues, not the raw and Impetus rounds")
    boolean shapeOnly;

    @Option(names = "--no-signing", description = "run without a signing key (to measure what signing costs)")
    boolean noSigning;

    @Option(names = "--out", paramLabel = "FILE", description = "markdown report (default: ${DEFAULT-VALUE})")
    Path out = Path.of("docs", "BENCHMARKS.md");

    @Option(names = "--uri", description = "broker URI (default: IMPETUS_RABBITMQ_URI, else the impetus defaults)")
    String uri;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Bench());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ImpetusException) { // broker down, refused, ...: one line
                commandLine.getErr().println("impetus bench: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String problem = problem();
        if (problem != null) {
            System.err.println("impetus bench: " + problem);
            return 2;
        }
        String prefix = "impetus-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> cli = new HashMap<>();
        if (uri != null) {
            cli.put("uri", uri);
        }
        cli.put("prefix", prefix);
        ConnectionSettings settings = SettingsResolver.resolve(cli, SettingsResolver.fromEnvironment(System.getenv()),
                Map.of());
        String pad = "x".repeat(payload);
        byte[] job = Json.write(sampleJob(pad));
        byte[] result = Json.write(sampleJob(pad).startedBy("node", 1).finished(JobStatus.READY, Json.tree(49L)));

        Path work = Files.createTempDirectory("impetus-bench");
        Map<String, String> env = new HashMap<>(Map.of(SettingsResolver.ENV_URI, settings.uriList(),
                SettingsResolver.ENV_PREFIX, prefix));
        List<String> nodeArgs = new ArrayList<>(List.of("node", "foreground", "-m", String.valueOf(mpps),
                "--jobs-per-worker", String.valueOf(jobsPerWorker), "--cache-dir", work.resolve("bundles").toString()));
        if (noSigning) {
            nodeArgs.add("--insecure-no-signing");
        } else { // an installation key for this run: the client (in this JVM) signs, the node checks and signs
            String key = SigningKey.generate();
            System.setProperty(SigningKey.PROPERTY, key);
            env.put(SigningKey.ENV, key);
        }
        flag(nodeArgs, inProcess, "--in-process");
        option(nodeArgs, warmWorkers != null, "--warm-workers", warmWorkers);
        flag(nodeArgs, shareWorkersByUser, "--share-workers-by-user");
        ScaleRows scale;
        List<Figure> figures;
        String version;
        try (BenchCluster cluster = new BenchCluster(settings);
             Broker broker = Brokers.connect(settings, "impetus bench")) {
            version = broker.serverVersion();
            System.out.printf("impetus bench: %d jobs, mpps %d, %d jobs per worker, payload %d bytes (job message %d"
                    + " bytes), %d round(s), RabbitMQ %s%n", jobs, mpps, jobsPerWorker, payload, job.length, repeat, version);
            cluster.start(env, work, nodeArgs, nodes);
            cluster.awaitUp(broker, work);
            Rounds rounds = new Rounds(this, settings, prefix, cluster);
            for (int round = 1; round <= (shapeOnly ? 0 : repeat); round++) {
                rounds.run(round, pad, job, result);
            }
            figures = rounds.figures();
            scale = ScaleRows.run(this, settings, cluster, pad);
            if (clientJobs > 0) {
                ManyJobsRun.run(clientJobs, env, work, cluster.node().pid(), cluster.coordinator().pid());
            }
        }
        System.out.println();
        figures.forEach(f -> System.out.println(f.line()));
        scale.print();
        if (out != null) {
            Report.write(out, figures, scale, version, mpps, String.join(" ", commandLine()));
            System.out.println("\nwrote " + out);
        }
        System.out.printf("all %d jobs of every run returned x * x%n", jobs);
        return 0;
    }

    /** The command line of this run, with every option that differs from its default, for the report. */
    List<String> commandLine() {
        List<String> c = new ArrayList<>(List.of("./impetus", "bench", "--jobs", String.valueOf(jobs), "--mpps",
                String.valueOf(mpps), "--jobs-per-worker", String.valueOf(jobsPerWorker), "--payload",
                String.valueOf(payload), "--repeat", String.valueOf(repeat)));
        option(c, nodes != 1, "--nodes", nodes);
        shapes.forEach(s -> option(c, true, "--shape", s));
        option(c, !"classic".equalsIgnoreCase(queueType), "--queue-type", queueType.toLowerCase(Locale.ROOT));
        flag(c, idleRows, "--idle");
        flag(c, openOneByOne, "--open-one-by-one");
        option(c, clients > 0, "--clients", clients);
        flag(c, spread, "--spread");
        option(c, scalerQueues > 0, "--scaler-queues", scalerQueues);
        flag(c, noSigning, "--no-signing");
        flag(c, shapeOnly, "--shape-only");
        flag(c, inProcess, "--in-process");
        option(c, warmWorkers != null, "--warm-workers", warmWorkers);
        flag(c, shareWorkersByUser, "--share-workers-by-user");
        flag(c, inFlightOnly, "--in-flight-only");
        return c;
    }

    private static void flag(List<String> args, boolean set, String name) {
        if (set) {
            args.add(name);
        }
    }

    private static void option(List<String> args, boolean set, String name, Object value) {
        if (set) {
            args.addAll(List.of(name, String.valueOf(value)));
        }
    }

    private static JobEnvelope sampleJob(String pad) {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream("bench-12345678")
                .client(UUID.randomUUID().toString()).name("square").function(BenchJobs.class.getName() + "#square")
                .args(Json.tree(new BenchJobs.Task(7, pad))).code("0".repeat(64)).callback("result")
                .created(Instant.now()).build();
    }
}
