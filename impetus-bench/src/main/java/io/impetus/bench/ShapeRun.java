package io.impetus.bench;

import io.impetus.client.Impetus;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The shape of the work rather than its length: one client opens {@code streams} new streams (as
 * a crawler opens one per site; all together, or one after another), forks {@code jobsPerStream} jobs into each, and
 * waits for every result. Measures the opening, the whole, each process's CPU and peak resident
 * memory, and the broker's connections, channels and queues at their peak.
 */
final class ShapeRun {
    /** One row: the shape, its times, and what it cost. */
    record Result(String shape, int streams, int jobs, double openMsEach, double seconds, Map<String, Double> cpuSeconds,
                  Map<String, Long> peakRssKb, BrokerUse broker, Map<String, long[]> nodeRssKb,
                  long brokerPeakFds, long brokerFdLimit) {
        double jobsPerSecond() {
            return jobs / seconds;
        }

        String line() {
            StringBuilder b = new StringBuilder(String.format("%s: %d jobs in %.1f s (%.0f jobs/s), open %.1f ms a stream;"
                    + " CPU s", shape, jobs, seconds, jobsPerSecond(), openMsEach));
            cpuSeconds.forEach((name, s) -> b.append(String.format(" %s %.1f", name.replace("children:", ""), s)));
            b.append("; peak RSS MB");
            peakRssKb.forEach((name, kb) -> b.append(String.format(" %s %d", name.replace("children:", ""), kb / 1024)));
            b.append("; broker ").append(broker.words());
            if (brokerPeakFds >= 0) {
                b.append(String.format(", RabbitMQ's open files at the peak %d (soft limit %d, every user's)", brokerPeakFds,
                        brokerFdLimit));
            }
            nodeRssKb.forEach((name, kb) -> b.append(String.format("; %s RSS %d -> %d MB (%+.1f KB a stream)", name,
                    kb[0] / 1024, kb[1] / 1024, kbPerStream(kb))));
            return b.toString();
        }

        /** How much a node's resident memory grew per stream of the row: from before opening to every result in. */
        double kbPerStream(long[] beforeAfterKb) {
            return (beforeAfterKb[1] - beforeAfterKb[0]) / (double) streams;
        }
    }

    /**
     * The streams of a shape once idle (past their {@code timeout}, every result in): what the processes
     * spend meanwhile, as a share of a core, and the time to the first result of a job forked then into
     * one of them (the node must learn of it: a consumer that stayed, or a check of the queue).
     */
    record Idle(int streams, Map<String, Double> cpuPercent, List<Double> firstResultMs) {
        String line() {
            StringBuilder b = new StringBuilder(String.format("idle %d streams: first result of a new job on an idle"
                    + " stream %s ms (median %.0f); CPU %% of a core while idle", streams,
                    firstResultMs.stream().map(ms -> String.format("%.0f", ms)).toList(),
                    Stats.percentile(firstResultMs, 50)));
            cpuPercent.forEach((name, pct) -> b.append(String.format(" %s %.1f", name.replace("children:", ""), pct)));
            return b.toString();
        }
    }

    private final Impetus impetus;
    private List<Impetus.Stream> last = List.of();
    private final Map<String, Long> pids;
    private final Supplier<BrokerUse> brokerUse;
    private final boolean oneByOne;
    private final Map<String, Object> properties;
    private final String typeWord;

    /**
     * @param pids       processes to measure by name; a {@code children:} name sums the process's children
     * @param brokerUse  what this run's processes hold on the broker now
     * @param oneByOne   open each stream with {@code Impetus.stream}, waiting for each, rather than all
     *                   together with {@code Impetus.streams}
     * @param queueType  the streams' {@code queueType} property
     */
    ShapeRun(Impetus impetus, Map<String, Long> pids, Supplier<BrokerUse> brokerUse, boolean oneByOne,
             QueueType queueType) {
        this.impetus = impetus;
        this.properties = queueType == QueueType.CLASSIC ? Map.of() : Map.of("queueType", queueType.wireName());
        this.typeWord = queueType == QueueType.CLASSIC ? "" : " " + queueType.wireName();
        this.oneByOne = oneByOne;
        this.pids = pids;
        this.brokerUse = brokerUse;
    }

    Result run(int streams, int jobsPerStream, String pad) throws Exception {
        String shape = streams + typeWord + " streams × " + jobsPerStream + " jobs";
        Map<String, long[]> nodeRss = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (name.startsWith("node")) {
                nodeRss.put(name, new long[] {Rss.kb(pid), 0});
            }
        });
        Measured measured = Measured.begin(pids, brokerUse);
        String tag = StreamId.random().substring(0, 6);
        long start = System.nanoTime();
        List<Impetus.Stream> opened = new ArrayList<>(streams);
        List<String> ids = new ArrayList<>(streams);
        for (int s = 0; s < streams; s++) {
            ids.add("shape-" + tag + "-" + s);
        }
        if (oneByOne) {
            ids.forEach(id -> opened.add(impetus.stream(id, properties)));
        } else {
            opened.addAll(impetus.streams(ids, properties));
        }
        double openMs = (System.nanoTime() - start) / 1e6 / streams;
        last = opened;
        System.out.printf("%s: opened in %.1f ms each%n", shape, openMs);
        List<CompletableFuture<Long>> results = new ArrayList<>(streams * jobsPerStream);
        for (int j = 0; j < jobsPerStream; j++) { // round-robin, as work for many sites arrives
            for (Impetus.Stream stream : opened) {
                results.add(stream.fork(BenchJobs::square, new BenchJobs.Task(j, pad)));
            }
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        nodeRss.forEach((name, kb) -> kb[1] = Rss.kb(pids.get(name)));
        Measured.Cost cost = measured.end();
        for (int i = 0; i < results.size(); i++) {
            long x = i / streams;
            if (results.get(i).get() != x * x) {
                throw new IllegalStateException(shape + ": job " + i + " returned " + results.get(i).get());
            }
        }
        return new Result(shape, streams, results.size(), openMs, seconds, cost.cpuSeconds(), cost.peakRssKb(), cost.broker(),
                nodeRss, cost.brokerPeakFds(), pids.containsKey("rabbitmq") ? Fds.softLimit(pids.get("rabbitmq")) : -1);
    }

    /**
     * Waits until the last shape's streams are idle ({@code idleAfterMs}: past their timeout), measures
     * the processes' CPU over {@code windowMs}, then forks one job at a time into {@code samples} of
     * those streams and times each result.
     */
    Idle idle(long idleAfterMs, long windowMs, int samples, String pad) throws Exception {
        Thread.sleep(idleAfterMs); // idleness is what is measured: nothing to wait on but the clock
        Map<String, Double> before = Cpu.snapshot(pids);
        long start = System.nanoTime();
        Thread.sleep(windowMs);
        Map<String, Double> after = Cpu.snapshot(pids);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> pct = new LinkedHashMap<>();
        before.forEach((name, s) -> pct.put(name, 100 * (after.get(name) - s) / seconds));
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < samples && i < last.size(); i++) {
            Impetus.Stream stream = last.get(i * last.size() / samples);
            long t = System.nanoTime();
            long r = stream.fork(BenchJobs::square, new BenchJobs.Task(7, pad)).get(2, TimeUnit.MINUTES);
            if (r != 49) {
                throw new IllegalStateException("idle stream's job returned " + r);
            }
            ms.add((System.nanoTime() - t) / 1e6);
        }
        return new Idle(last.size(), pct, ms);
    }
}
