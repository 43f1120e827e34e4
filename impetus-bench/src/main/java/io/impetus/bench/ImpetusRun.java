package io.impetus.bench;

import io.impetus.client.Impetus;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The same work through Impetus: client, coordinator-made stream, one node, worker processes. */
final class ImpetusRun implements AutoCloseable {
    private final Impetus impetus;

    ImpetusRun(ConnectionSettings settings) {
        impetus = Impetus.connect(settings);
    }

    /** Runs {@code count} jobs first, so workers exist and the JVMs have compiled the job path. */
    private static Impetus.Stream warm(Impetus.Stream stream, int count, String pad) throws Exception {
        List<CompletableFuture<Long>> f = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            f.add(stream.fork(BenchJobs::square, new BenchJobs.Task(i, pad)));
        }
        CompletableFuture.allOf(f.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return stream;
    }

    /** Jobs per second from first fork to last result, on a stream whose workers are warm. */
    double throughput(int count, int mpps, String pad, Runnable warmed) throws Exception {
        return throughput(count, mpps, pad, warmed, Map.of(), false);
    }

    /**
     * Jobs per second on a stream with {@code properties} (a quorum one, say), forked one by one or
     * all together ({@code bulk}: {@code forkAll}, up to 256 jobs per message).
     */
    double throughput(int count, int mpps, String pad, Runnable warmed, Map<String, Object> properties, boolean bulk)
            throws Exception {
        Impetus.Stream stream = warm(impetus.stream("bench-" + StreamId.random().substring(0, 8), properties),
                Math.max(mpps * 20, count / 10), pad);
        warmed.run();
        List<CompletableFuture<Long>> results = new ArrayList<>(count);
        long start = System.nanoTime();
        if (bulk) {
            List<BenchJobs.Task> args = new ArrayList<>(count);
            for (long i = 0; i < count; i++) {
                args.add(new BenchJobs.Task(i, pad));
            }
            results.addAll(stream.forkAll(BenchJobs::square, args));
        } else {
            for (long i = 0; i < count; i++) {
                results.add(stream.fork(BenchJobs::square, new BenchJobs.Task(i, pad)));
            }
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        for (int i = 0; i < count; i++) {
            long x = i;
            if (results.get(i).get() != x * x) {
                throw new IllegalStateException("job " + i + " returned " + results.get(i).get() + ", not " + x * x);
            }
        }
        return count / seconds;
    }

    /** Milliseconds of single jobs, forked one at a time to a warm worker. */
    List<Double> latency(int samples, int mpps, String pad) throws Exception {
        Impetus.Stream stream = warm(impetus.stream("bench-" + StreamId.random().substring(0, 8), Map.of()), mpps * 20,
                pad);
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            long r = stream.fork(BenchJobs::square, new BenchJobs.Task(i, pad)).get(30, TimeUnit.SECONDS);
            millis.add((System.nanoTime() - start) / 1e6);
            if (r != (long) i * i) {
                throw new IllegalStateException("job " + i + " returned " + r);
            }
        }
        return millis;
    }

    /** Milliseconds from creating a new stream to its first result (a worker JVM is spawned). */
    double coldStart(String pad) throws Exception {
        long start = System.nanoTime();
        Impetus.Stream stream = impetus.stream("bench-cold-" + StreamId.random().substring(0, 8), Map.of());
        long opened = System.nanoTime();
        CompletableFuture<Long> result = stream.fork(BenchJobs::square, new BenchJobs.Task(7, pad));
        long forked = System.nanoTime();
        long r = result.get(60, TimeUnit.SECONDS);
        long end = System.nanoTime();
        if (r != 49) {
            throw new IllegalStateException("cold job returned " + r);
        }
        // where the time went on the client's side; the daemons' logs (IMPETUS_BENCH_LOG_LEVEL=INFO) have the rest
        System.out.printf("first result of stream %s: opened %.1f ms, forked (bundle registered, job sent) %.1f ms,"
                + " result %.1f ms; began at %s%n", stream.id(), (opened - start) / 1e6, (forked - opened) / 1e6,
                (end - forked) / 1e6, java.time.Instant.now().minusNanos(System.nanoTime() - start));
        return (end - start) / 1e6;
    }

    /** The shape of work through this client: see {@link ShapeRun}. */
    ShapeRun.Result shape(Map<String, Long> pids, Supplier<BrokerUse> brokerUse, int streams,
                          int jobsPerStream, String pad, boolean oneByOne) throws Exception {
        return shape(new ShapeRun(impetus, pids, brokerUse, oneByOne, QueueType.CLASSIC), streams, jobsPerStream, pad);
    }

    ShapeRun.Result shape(ShapeRun run, int streams, int jobsPerStream, String pad) throws Exception {
        return run.run(streams, jobsPerStream, pad);
    }

    Impetus client() {
        return impetus;
    }

    @Override
    public void close() {
        impetus.close();
    }
}
