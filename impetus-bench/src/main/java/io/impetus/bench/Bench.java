package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.JvmCommand;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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

    @Option(names = "--idle", description = "after each --shape row, wait until its streams are idle, measure the"
            + " processes' CPU for 10 s and the first result of a job forked into 5 of them")
    boolean idleRows;

    @Option(names = "--in-process", description = "start the nodes with --in-process: jobs run on threads of the"
            + " node's JVM, not in worker processes")
    boolean inProcess;

    private int statusPort;

    /** The coordinator's {@code /api/status}, asked 5 times one after another: each time, and the median. */
    private String statusLine(int streams) {
        HttpClient http = HttpClient.newHttpClient();
        List<Double> ms = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            try {
                var r = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + statusPort
                        + "/api/status")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    return "/api/status: HTTP " + r.statusCode();
                }
                bytes = r.body().length;
            } catch (IOException | InterruptedException e) {
                return "/api/status: " + e;
            }
            ms.add((System.nanoTime() - t) / 1e6);
        }
        statusTimes.add(ms);
        return String.format("/api/status with %d streams of this row open (and those of earlier rows): %s ms (median"
                + " %.0f), %d KB", streams, ms.stream().map(m -> String.format("%.0f", m)).toList(),
                Stats.percentile(ms, 50), bytes / 1024);
    }

    final List<List<Double>> statusTimes = new ArrayList<>();

    /** Past the streams' default timeout (15 s), when a node counts them idle. */
    static final long IDLE_AFTER_MS = 20_000;
    final List<ShapeRun.Idle> idles = new ArrayList<>();

    @Option(names = "--shape-only", description = "run only the --shape rows, not the raw and Impetus rounds")
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
        if (jobs < 1 || mpps < 1 || repeat < 1 || samples < 1 || payload < 0 || jobsPerWorker < 1 || nodes < 1) {
            System.err.println("impetus bench: --jobs, --mpps, --repeat, --latency-samples, --jobs-per-worker, --nodes"
                    + " must be at least 1 and --payload at least 0");
            return 2;
        }
        List<int[]> shapeList;
        try {
            shapeList = shapes.stream().map(Bench::parseShape).toList();
        } catch (IllegalArgumentException e) {
            System.err.println("impetus bench: " + e.getMessage());
            return 2;
        }
        if (shapeOnly && shapeList.isEmpty()) {
            System.err.println("impetus bench: --shape-only needs at least one --shape STREAMSxJOBS, e.g. --shape 300x10");
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
            daemons.add(start(env, work, "coordinator", "coordinator", "foreground", "--data-dir",
                    work.resolve("store").toString(), "--http-port", String.valueOf(statusPort), "--insecure-http"));
            List<String> nodeArgs = new ArrayList<>(List.of("node", "foreground", "-m", String.valueOf(mpps),
                    "--jobs-per-worker", String.valueOf(jobsPerWorker), "--cache-dir", work.resolve("bundles").toString()));
            nodeArgs.addAll(nodeSigning);
            if (inProcess) {
                nodeArgs.add("--in-process");
            }
            List<Process> nodeProcesses = new ArrayList<>();
            for (int n = 1; n <= nodes; n++) {
                List<String> args = new ArrayList<>(nodeArgs);
                args.set(args.indexOf("--cache-dir") + 1, work.resolve("bundles" + n).toString());
                nodeProcesses.add(start(env, work, n == 1 ? "node" : "node" + n, args.toArray(String[]::new)));
            }
            daemons.addAll(nodeProcesses);
            Process node = nodeProcesses.get(0);
            awaitCluster(new ControlClient(broker, settings.topology(), Duration.ofSeconds(3)), work, nodes);

            long rabbit = Cpu.rabbitPid();
            Map<String, Long> rawPids = new LinkedHashMap<>();
            rawPids.put("rabbitmq", rabbit);
            rawPids.put("raw program", ProcessHandle.current().pid());
            Map<String, Long> impetusPids = new LinkedHashMap<>();
            impetusPids.put("rabbitmq", rabbit);
            impetusPids.put("client", ProcessHandle.current().pid());
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
                    deep.raw.add(raw.throughput(jobs, mpps, 100, job, result));
                    System.out.printf("round %d: raw %.0f jobs/s with prefetch 100%n", round, last(deep.raw));
                    List<Double> lat = raw.latency(samples, job, result);
                    p50.raw.add(Stats.percentile(lat, 50));
                    p90.raw.add(Stats.percentile(lat, 90));
                    p99.raw.add(Stats.percentile(lat, 99));
                }
                try (ImpetusRun impetus = new ImpetusRun(settings)) {
                    cold.impetus.add(impetus.coldStart(pad));
                    Map<String, Double>[] before = new Map[1];
                    double t = impetus.throughput(jobs, mpps, pad, () -> before[0] = Cpu.snapshot(impetusPids));
                    System.out.printf("round %d: impetus CPU: %s%n", round, Cpu.perJob(before[0],
                            Cpu.snapshot(impetusPids), jobs));
                    inFlight.impetus.add(t);
                    deep.impetus.add(t);
                    System.out.printf("round %d: impetus %.0f jobs/s%n", round, t);
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
            shapeResults = shapes(settings, shapeList, pad, daemons.get(0).pid(), nodeProcesses);
            if (clientJobs > 0) {
                manyJobs(env, work, node.pid(), daemons.get(0).pid());
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
            removeTopology(settings);
        }
        List<Figure> figures = shapeOnly ? List.of()
                : List.of(inFlight, deep, bulk, quorum, p50, p90, p99, cold, nodeRss, workerRss);
        System.out.println();
        figures.forEach(f -> System.out.println(f.line()));
        shapeResults.forEach(r -> System.out.println(r.line()));
        idles.forEach(r -> System.out.println(r.line()));
        if (out != null) {
            Report.write(out, figures, shapeResults, version, this, String.join(" ", commandLine()));
            System.out.println("\nwrote " + out);
        }
        System.out.printf("all %d jobs of every run returned x * x%n", jobs);
        return 0;
    }

    /**
     * Each shape through one new client, then the same total on one new stream for the ratio; prints
     * and returns the rows.
     */
    private List<ShapeRun.Result> shapes(ConnectionSettings settings, List<int[]> shapeList, String pad,
                                         long coordinatorPid, List<Process> nodeProcesses) throws Exception {
        List<ShapeRun.Result> rows = new ArrayList<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("rabbitmq", Cpu.rabbitPid());
        pids.put("client", ProcessHandle.current().pid());
        pids.put("coordinator", coordinatorPid);
        for (int n = 0; n < nodeProcesses.size(); n++) {
            pids.put("node" + (n + 1), nodeProcesses.get(n).pid());
            pids.put("children:workers" + (n + 1), nodeProcesses.get(n).pid());
        }
        ManagementClient management = new ManagementClient(settings);
        Supplier<BrokerUse> use = () -> {
            Set<Long> ours = new HashSet<>(pids.values());
            nodeProcesses.forEach(p -> p.children().forEach(c -> ours.add(c.pid())));
            return BrokerUse.of(management, ours, settings.topology().prefix() + ".");
        };
        for (int[] shape : shapeList) {
            for (int[] run : List.of(new int[] {1, shape[0] * shape[1]}, shape)) {
                try (ImpetusRun impetus = new ImpetusRun(settings)) {
                    ShapeRun shapeRun = new ShapeRun(impetus.client(), pids, use, openOneByOne);
                    ShapeRun.Result r = impetus.shape(shapeRun, run[0], run[1], pad);
                    System.out.println(r.line());
                    rows.add(r);
                    if (idleRows && run == shape) {
                        ShapeRun.Idle idle = shapeRun.idle(IDLE_AFTER_MS, 10_000, 5, pad);
                        System.out.println(idle.line());
                        System.out.println(statusLine(run[0]));
                        idles.add(idle);
                    }
                }
            }
        }
        return rows;
    }

    static int[] parseShape(String shape) {
        String[] parts = shape.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int streams = Integer.parseInt(parts[0].trim());
                int perStream = Integer.parseInt(parts[1].trim());
                if (streams >= 1 && perStream >= 1) {
                    return new int[] {streams, perStream};
                }
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--shape '" + shape + "' is not STREAMSxJOBS with both at least 1,"
                + " e.g. --shape 300x10");
    }

    /** N jobs through the Client API in a JVM with a 128 MB heap; prints the time and each process's peak RSS. */
    private void manyJobs(Map<String, String> env, Path work, long nodePid, long coordinatorPid) throws Exception {
        ProcessBuilder pb = JvmCommand.of(ManyJobsClient.class.getName()).maxHeap("128m")
                .args(String.valueOf(clientJobs), "--taskdir", work.resolve("tasks").toString())
                .env(env).env("IMPETUS_LOG_LEVEL", "WARN").processBuilder().redirectErrorStream(true)
                .redirectOutput(work.resolve("many-jobs.log").toFile());
        System.out.printf("many jobs: %d jobs through one Client API program with -Xmx128m...%n", clientJobs);
        long start = System.nanoTime();
        Process client = pb.start();
        long[] peak = new long[3];
        while (!client.waitFor(1, TimeUnit.SECONDS)) {
            peak[0] = Math.max(peak[0], Rss.kb(client.pid()));
            peak[1] = Math.max(peak[1], Rss.kb(coordinatorPid));
            peak[2] = Math.max(peak[2], Rss.kb(nodePid));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> log = Files.readAllLines(work.resolve("many-jobs.log"));
        String verdict = log.stream().filter(l -> l.startsWith("many-jobs:")).findFirst().orElse("no summary line");
        System.out.printf("many jobs: %s in %.0f s (%.0f jobs/s), exit %d; peak RSS client %d MB (heap -Xmx128m),"
                + " coordinator %d MB, node %d MB%n", verdict, seconds, clientJobs / seconds, client.exitValue(),
                peak[0] / 1024, peak[1] / 1024, peak[2] / 1024);
        if (client.exitValue() != 0) {
            throw new IllegalStateException("the many-jobs client failed; its log is " + work.resolve("many-jobs.log"));
        }
    }

    /** Deletes the queues and exchanges of this run's prefix, so runs do not pile up on the broker. */
    private static void removeTopology(ConnectionSettings settings) {
        Topology t = settings.topology();
        try (Broker broker = Brokers.connect(settings, "impetus bench cleanup")) {
            for (ManagementClient.QueueStats q
                    : new ManagementClient(settings).queues(t.prefix() + ".")) {
                String stream = t.streamOfJobsQueue(q.name());
                if (stream != null) {
                    broker.deleteExchange(t.resultsExchange(stream));
                }
                broker.deleteQueue(q.name(), false);
            }
            broker.deleteExchange(t.eventsExchange());
            broker.deleteExchange(t.deadExchange());
        } catch (RuntimeException e) {
            System.err.println("impetus bench: could not remove the queues of prefix " + t.prefix() + ": " + e.getMessage());
        }
    }

    private List<String> commandLine() {
        List<String> c = new ArrayList<>(List.of("./impetus", "bench", "--jobs", String.valueOf(jobs), "--mpps",
                String.valueOf(mpps), "--jobs-per-worker", String.valueOf(jobsPerWorker), "--payload",
                String.valueOf(payload), "--repeat", String.valueOf(repeat)));
        if (nodes != 1) {
            c.addAll(List.of("--nodes", String.valueOf(nodes)));
        }
        shapes.forEach(s -> c.addAll(List.of("--shape", s)));
        if (idleRows) {
            c.add("--idle");
        }
        if (openOneByOne) {
            c.add("--open-one-by-one");
        }
        if (shapeOnly) {
            c.add("--shape-only");
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

    private static Process start(Map<String, String> env, Path work, String name, String... args) throws IOException {
        // as ./impetus starts the part
        return JvmCommand.of("io.impetus.cli.Impetus").role(JvmFlags.Role.ofCommand(args[0])).args(args)
                .env(env).env("IMPETUS_LOG_LEVEL", "WARN").processBuilder().redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private static void awaitCluster(ControlClient control, Path work, int nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                control.call(new ControlRequest.ListStreams(false), StreamInfo[].class);
                if (control.call(new ControlRequest.ListNodes(), NodeStatus[].class).length >= nodes) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("coordinator and node did not come up; logs in " + work);
    }
}
