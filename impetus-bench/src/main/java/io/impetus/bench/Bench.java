package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

    List<ShapeRun.Idle> idles = List.of();
    List<ClientsRun.Row> clientRows = List.of();
    SpreadRun.Row spreadRow;
    ScalerPass.Result scalerPass;
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
        List<int[]> shapeList = shapes.stream().map(ShapeRows::parseShape).toList();
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
        List<String> nodeSigning = List.of();
        if (noSigning) {
            nodeSigning = List.of("--insecure-no-signing");
        } else { // an installation key for this run: the client (in this JVM) signs, the node checks and signs
            String key = SigningKey.generate();
            System.setProperty(SigningKey.PROPERTY, key);
            env.put(SigningKey.ENV, key);
        }
        List<Process> daemons = new ArrayList<>();
        List<ShapeRun.Result> shapeResults = List.of();
        Figure inFlight = new Figure("throughput, " + mpps * jobsPerWorker + " jobs in flight", "/s", true);
        Figure deep = new Figure("throughput, raw deep pipeline (prefetch 100)", "/s", true);
        Figure bulk = new Figure("throughput, bulk fork (forkAll: 256 jobs per message)", "/s", true);
        Figure quorum = new Figure("throughput, quorum stream (" + mpps * jobsPerWorker + " in flight)", "/s", true);
        Figure p50 = new Figure("latency p50, one job at a time", " ms", false);
        Figure p90 = new Figure("latency p90", " ms", false);
        Figure p99 = new Figure("latency p99", " ms", false);
        Figure cold = new Figure("first result of a new stream (cold worker)", " ms", false);
        Figure nodeRss = new Figure("resident memory: node", " MB", false);
        Figure workerRss = new Figure("resident memory: per worker (largest)", " MB", false);
        String version;
        try (Broker broker = Brokers.connect(settings, "impetus bench")) {
            version = broker.serverVersion();
            System.out.printf("impetus bench: %d jobs, mpps %d, %d jobs per worker, payload %d bytes (job message %d"
                    + " bytes), %d round(s), RabbitMQ %s%n", jobs, mpps, jobsPerWorker, payload, job.length, repeat, version);
            try (ServerSocket free = new ServerSocket(0)) {
                statusPort = free.getLocalPort();
            }
            // its status page on 127.0.0.1 only, for the --idle rows' /api/status time
            daemons.add(Daemons.start(env, work, "coordinator", "coordinator", "foreground", "--data-dir",
                    work.resolve("store").toString(), "--http-port", String.valueOf(statusPort), "--insecure-http"));
            List<String> nodeArgs = new ArrayList<>(List.of("node", "foreground", "-m", String.valueOf(mpps),
                    "--jobs-per-worker", String.valueOf(jobsPerWorker), "--cache-dir", work.resolve("bundles").toString()));
            nodeArgs.addAll(nodeSigning);
            if (inProcess) {
                nodeArgs.add("--in-process");
            }
            if (warmWorkers != null) {
                nodeArgs.addAll(List.of("--warm-workers", String.valueOf(warmWorkers)));
            }
            if (shareWorkersByUser) {
                nodeArgs.add("--share-workers-by-user");
            }
            List<Process> nodeProcesses = new ArrayList<>();
            for (int n = 1; n <= nodes; n++) {
                List<String> args = new ArrayList<>(nodeArgs);
                args.set(args.indexOf("--cache-dir") + 1, work.resolve("bundles" + n).toString());
                nodeProcesses.add(Daemons.start(env, work, n == 1 ? "node" : "node" + n, args.toArray(String[]::new)));
            }
            daemons.addAll(nodeProcesses);
            Process node = nodeProcesses.get(0);
            Daemons.awaitCluster(new ControlClient(broker, settings.topology(), Duration.ofSeconds(3),
                    SigningKey.configured(System.getenv(), System::getProperty)), work, nodes);

            long rabbit = Cpu.rabbitPid();
            Map<String, Long> rawPids = new LinkedHashMap<>();
            rawPids.put("rabbitmq", rabbit);
            rawPids.put("raw program", ProcessHandle.current().pid());
            rawPids.put("jit:raw program", ProcessHandle.current().pid());
            Map<String, Long> impetusPids = new LinkedHashMap<>();
            impetusPids.put("rabbitmq", rabbit);
            impetusPids.put("client", ProcessHandle.current().pid());
            impetusPids.put("jit:client", ProcessHandle.current().pid());
            impetusPids.put("node", node.pid());
            impetusPids.put("children:workers", node.pid());
            impetusPids.put("coordinator", daemons.get(0).pid());
            for (int round = 1; round <= (shapeOnly ? 0 : repeat); round++) {
                try (RawBaseline raw = new RawBaseline(settings.amqpUri(), prefix + ".raw")) {
                    Map<String, Double> before = Cpu.snapshot(rawPids);
                    inFlight.raw.add(raw.throughput(jobs, mpps, jobsPerWorker, job, result));
                    System.out.printf("round %d: raw CPU: %s%n", round, Cpu.perJob(before, Cpu.snapshot(rawPids), jobs));
                    System.out.printf("round %d: raw %.0f jobs/s with %d in flight%n", round, last(inFlight.raw),
                            mpps * jobsPerWorker);
                    if (!inFlightOnly) {
                        deep.raw.add(raw.throughput(jobs, mpps, 100, job, result));
                        System.out.printf("round %d: raw %.0f jobs/s with prefetch 100%n", round, last(deep.raw));
                        List<Double> lat = raw.latency(samples, job, result);
                        p50.raw.add(Stats.percentile(lat, 50));
                        p90.raw.add(Stats.percentile(lat, 90));
                        p99.raw.add(Stats.percentile(lat, 99));
                    }
                }
                try (ImpetusRun impetus = new ImpetusRun(settings)) {
                    if (!inFlightOnly) {
                        cold.impetus.add(impetus.coldStart(pad));
                    }
                    Map<String, Double>[] before = new Map[1];
                    double t = impetus.throughput(jobs, mpps, pad, () -> before[0] = Cpu.snapshot(impetusPids));
                    System.out.printf("round %d: impetus CPU: %s%n", round, Cpu.perJob(before[0],
                            Cpu.snapshot(impetusPids), jobs));
                    inFlight.impetus.add(t);
                    deep.impetus.add(t);
                    System.out.printf("round %d: impetus %.0f jobs/s%n", round, t);
                    if (inFlightOnly) {
                        continue;
                    }
                    double b = impetus.throughput(jobs, mpps, pad, () -> { }, Map.of(), true);
                    bulk.impetus.add(b);
                    bulk.raw.add(last(deep.raw));
                    System.out.printf("round %d: impetus %.0f jobs/s forked together%n", round, b);
                    double q = impetus.throughput(jobs, mpps, pad, () -> { }, Map.of("queueType", "quorum"), false);
                    quorum.impetus.add(q);
                    quorum.raw.add(last(inFlight.raw));
                    System.out.printf("round %d: impetus %.0f jobs/s on a quorum stream%n", round, q);
                    nodeRss.impetus.add(Rss.kb(node.pid()) / 1024.0);
                    workerRss.impetus.add(Rss.largestChildKb(node.pid()) / 1024.0);
                    List<Double> lat = impetus.latency(samples, mpps, pad);
                    p50.impetus.add(Stats.percentile(lat, 50));
                    p90.impetus.add(Stats.percentile(lat, 90));
                    p99.impetus.add(Stats.percentile(lat, 99));
                }
            }
            Watched watched = Watched.of(settings, daemons.get(0).pid(), nodeProcesses);
            ShapeRows shapeRows = new ShapeRows(settings, watched, statusPort);
            shapeResults = shapeRows.run(shapeList, pad, openOneByOne, idleRows,
                    QueueType.parse("--queue-type", queueType));
            idles = shapeRows.idles;
            if (clients > 0) {
                clientRows = new ClientsRun(settings, watched).run(clients, jobs, pad);
            }
            if (spread) {
                try {
                    spreadRow = new SpreadRun(settings, watched).run(jobs, mpps, pad);
                    System.out.println(spreadRow.line());
                } catch (RuntimeException e) { // a coordinator too busy to answer: the scaler row still runs
                    System.out.println("spread: failed: " + e.getMessage());
                }
            }
            if (scalerQueues > 0) {
                try {
                    scalerPass = ScalerPass.time(settings, scalerQueues, 5);
                    System.out.println(scalerPass.line());
                } catch (RuntimeException e) { // a busy management API: the other rows stand
                    System.out.println("scaler pass: failed: " + e.getMessage());
                }
            }
            if (clientJobs > 0) {
                ManyJobsRun.run(clientJobs, env, work, node.pid(), daemons.get(0).pid());
            }
        } finally {
            for (Process p : daemons) {
                p.destroy();
            }
            for (Process p : daemons) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            Daemons.removeTopology(settings);
        }
        List<Figure> figures = shapeOnly ? List.of() : inFlightOnly ? List.of(inFlight)
                : List.of(inFlight, deep, bulk, quorum, p50, p90, p99, cold, nodeRss, workerRss);
        System.out.println();
        figures.forEach(f -> System.out.println(f.line()));
        shapeResults.forEach(r -> System.out.println(r.line()));
        idles.forEach(r -> System.out.println(r.line()));
        clientRows.forEach(r -> System.out.println(r.line(clientRows.get(0).jobsPerSecond())));
        if (spreadRow != null) {
            System.out.println(spreadRow.line());
        }
        if (scalerPass != null) {
            System.out.println(scalerPass.line());
        }
        if (out != null) {
            Report.write(out, figures, shapeResults, version, this, String.join(" ", commandLine()));
            System.out.println("\nwrote " + out);
        }
        System.out.printf("all %d jobs of every run returned x * x%n", jobs);
        return 0;
    }

    private List<String> commandLine() {
        List<String> c = new ArrayList<>(List.of("./impetus", "bench", "--jobs", String.valueOf(jobs), "--mpps",
                String.valueOf(mpps), "--jobs-per-worker", String.valueOf(jobsPerWorker), "--payload",
                String.valueOf(payload), "--repeat", String.valueOf(repeat)));
        if (nodes != 1) {
            c.addAll(List.of("--nodes", String.valueOf(nodes)));
        }
        shapes.forEach(s -> c.addAll(List.of("--shape", s)));
        if (!"classic".equalsIgnoreCase(queueType)) {
            c.addAll(List.of("--queue-type", queueType.toLowerCase(Locale.ROOT)));
        }
        if (idleRows) {
            c.add("--idle");
        }
        if (openOneByOne) {
            c.add("--open-one-by-one");
        }
        if (clients > 0) {
            c.addAll(List.of("--clients", String.valueOf(clients)));
        }
        if (spread) {
            c.add("--spread");
        }
        if (scalerQueues > 0) {
            c.addAll(List.of("--scaler-queues", String.valueOf(scalerQueues)));
        }
        if (noSigning) {
            c.add("--no-signing");
        }
        if (shapeOnly) {
            c.add("--shape-only");
        }
        if (inProcess) {
            c.add("--in-process");
        }
        if (warmWorkers != null) {
            c.addAll(List.of("--warm-workers", String.valueOf(warmWorkers)));
        }
        if (shareWorkersByUser) {
            c.add("--share-workers-by-user");
        }
        if (inFlightOnly) {
            c.add("--in-flight-only");
        }
        return c;
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static JobEnvelope sampleJob(String pad) {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream("bench-12345678")
                .client(UUID.randomUUID().toString()).name("square").function(BenchJobs.class.getName() + "#square")
                .args(Json.tree(new BenchJobs.Task(7, pad))).code("0".repeat(64)).callback("result")
                .created(Instant.now()).build();
    }
}
