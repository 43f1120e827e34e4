package io.impetus.bench;

import io.impetus.core.config.ConnectionSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The alternating raw and Impetus rounds: each round measures the raw amqp-client program, then Impetus
 * through the run's cluster, into the figures (and prints a line per measure, with the CPU each spends
 * per job). With {@code --in-flight-only} only the one-by-one throughput.
 */
final class Rounds {
    private final Bench options;
    private final ConnectionSettings settings;
    private final String rawPrefix;
    private final Process node;
    private final Map<String, Long> rawPids = new LinkedHashMap<>();
    private final Map<String, Long> impetusPids = new LinkedHashMap<>();

    final Figure inFlight;
    final Figure deep = new Figure("throughput, raw deep pipeline (prefetch 100)", "/s", true);
    final Figure bulk = new Figure("throughput, bulk fork (forkAll: 256 jobs per message)", "/s", true);
    final Figure quorum;
    final Figure p50 = new Figure("latency p50, one job at a time", " ms", false);
    final Figure p90 = new Figure("latency p90", " ms", false);
    final Figure p99 = new Figure("latency p99", " ms", false);
    final Figure cold = new Figure("first result of a new stream (cold worker)", " ms", false);
    final Figure nodeRss = new Figure("resident memory: node", " MB", false);
    final Figure workerRss = new Figure("resident memory: per worker (largest)", " MB", false);

    Rounds(Bench options, ConnectionSettings settings, String prefix, BenchCluster cluster) {
        this.options = options;
        this.settings = settings;
        this.rawPrefix = prefix + ".raw";
        this.node = cluster.node();
        int inFlightJobs = options.mpps * options.jobsPerWorker;
        this.inFlight = new Figure("throughput, " + inFlightJobs + " jobs in flight", "/s", true);
        this.quorum = new Figure("throughput, quorum stream (" + inFlightJobs + " in flight)", "/s", true);
        long self = ProcessHandle.current().pid();
        long rabbit = Cpu.rabbitPid();
        rawPids.put("rabbitmq", rabbit);
        rawPids.put("raw program", self);
        rawPids.put("jit:raw program", self);
        impetusPids.put("rabbitmq", rabbit);
        impetusPids.put("client", self);
        impetusPids.put("jit:client", self);
        impetusPids.put("node", node.pid());
        impetusPids.put("children:workers", node.pid());
        impetusPids.put("coordinator", cluster.coordinator().pid());
    }

    /** The figures measured: none with {@code --shape-only}, only the first with {@code --in-flight-only}. */
    List<Figure> figures() {
        return options.shapeOnly ? List.of() : options.inFlightOnly ? List.of(inFlight)
                : List.of(inFlight, deep, bulk, quorum, p50, p90, p99, cold, nodeRss, workerRss);
    }

    /** Round {@code round}: raw, then Impetus, with jobs of {@code job} answered by {@code result}. */
    void run(int round, String pad, byte[] job, byte[] result) throws Exception {
        int jobs = options.jobs;
        try (RawBaseline raw = new RawBaseline(settings.amqpUri(), rawPrefix)) {
            Map<String, Double> before = Cpu.snapshot(rawPids);
            inFlight.raw.add(raw.throughput(jobs, options.mpps, options.jobsPerWorker, job, result));
            System.out.printf("round %d: raw CPU: %s%n", round, Cpu.perJob(before, Cpu.snapshot(rawPids), jobs));
            System.out.printf("round %d: raw %.0f jobs/s with %d in flight%n", round, last(inFlight.raw),
                    options.mpps * options.jobsPerWorker);
            if (!options.inFlightOnly) {
                deep.raw.add(raw.throughput(jobs, options.mpps, 100, job, result));
                System.out.printf("round %d: raw %.0f jobs/s with prefetch 100%n", round, last(deep.raw));
                latency(raw.latency(options.samples, job, result), f -> f.raw);
            }
        }
        try (ImpetusRun impetus = new ImpetusRun(settings)) {
            runImpetus(impetus, round, pad);
        }
    }

    private void runImpetus(ImpetusRun impetus, int round, String pad) throws Exception {
        int jobs = options.jobs;
        int mpps = options.mpps;
        if (!options.inFlightOnly) {
            cold.impetus.add(impetus.coldStart(pad));
        }
        Map<String, Double>[] before = new Map[1];
        double t = impetus.throughput(jobs, mpps, pad, () -> before[0] = Cpu.snapshot(impetusPids));
        System.out.printf("round %d: impetus CPU: %s%n", round, Cpu.perJob(before[0], Cpu.snapshot(impetusPids), jobs));
        inFlight.impetus.add(t);
        deep.impetus.add(t);
        System.out.printf("round %d: impetus %.0f jobs/s%n", round, t);
        if (options.inFlightOnly) {
            return;
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
        latency(impetus.latency(options.samples, mpps, pad), f -> f.impetus);
    }

    /** The p50, p90 and p99 of {@code samples}, into one side (raw or Impetus) of the latency figures. */
    private void latency(List<Double> samples, Function<Figure, List<Double>> side) {
        side.apply(p50).add(Stats.percentile(samples, 50));
        side.apply(p90).add(Stats.percentile(samples, 90));
        side.apply(p99).add(Stats.percentile(samples, 99));
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }
}
