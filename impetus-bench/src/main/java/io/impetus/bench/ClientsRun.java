package io.impetus.bench;

import io.impetus.client.Impetus;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.StreamId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many clients at once ({@code --clients N}): N {@link Impetus} connections in this JVM (each its own
 * client id, AMQP connection and results queue), each forking its share of the same total from its
 * own thread, all into one stream or each into its own; against one client forking the total into
 * one stream. Each row opens new streams and warms them with a few jobs first; the time runs from
 * the first fork to the last result, and every result is checked.
 */
final class ClientsRun {
    /** Jobs forked, and waited for, into each row's streams before its clock starts. */
    static final int WARM_JOBS = 64;

    /** One row: how many clients and streams, the jobs, the time, and what it cost. */
    record Row(int clients, int streams, int jobs, double connectMs, double seconds, Measured.Cost cost) {
        double jobsPerSecond() {
            return jobs / seconds;
        }

        String label() {
            return clients + (clients == 1 ? " client" : " clients") + ", " + streams
                    + (streams == 1 ? " stream" : " streams");
        }

        String line(double oneClient) {
            StringBuilder b = new StringBuilder(String.format("%s: %d jobs in %.1f s (%.0f jobs/s%s), connect %.0f ms"
                    + " a client; CPU s", label(), jobs, seconds, jobsPerSecond(), oneClient > 0
                    ? String.format(", %.2f × one client", jobsPerSecond() / oneClient) : "", connectMs));
            cost.cpuSeconds().forEach((name, s) -> b.append(String.format(" %s %.1f", name.replace("children:", ""), s)));
            b.append("; peak RSS MB");
            cost.peakRssKb().forEach((name, kb) -> b.append(String.format(" %s %d", name.replace("children:", ""), kb / 1024)));
            return b.append("; broker ").append(cost.broker().words()).toString();
        }
    }

    private final ConnectionSettings settings;
    private final Watched watched;

    ClientsRun(ConnectionSettings settings, Watched watched) {
        this.settings = settings;
        this.watched = watched;
    }

    /** One client, then {@code clients} on one stream, then {@code clients} on a stream each; prints and returns the rows. */
    List<Row> run(int clients, int jobs, String pad) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(row(1, false, jobs, pad));
        System.out.println(rows.get(0).line(0));
        for (boolean streamEach : new boolean[] {false, true}) {
            Row r = row(clients, streamEach, jobs, pad);
            System.out.println(r.line(rows.get(0).jobsPerSecond()));
            rows.add(r);
        }
        return rows;
    }

    Row row(int clients, boolean streamEach, int jobs, String pad) throws Exception {
        List<Impetus> connected = new ArrayList<>(clients);
        ExecutorService forkers = Executors.newFixedThreadPool(clients);
        try {
            long t = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                connected.add(Impetus.connect(settings));
            }
            double connectMs = (System.nanoTime() - t) / 1e6 / clients;
            String tag = "clients-" + StreamId.random().substring(0, 6);
            List<Impetus.Stream> streams = new ArrayList<>(clients);
            for (int c = 0; c < clients; c++) {
                streams.add(connected.get(c).stream(streamEach ? tag + "-" + c : tag, Map.of()));
            }
            warm(streams, pad);
            @SuppressWarnings("unchecked")
            CompletableFuture<Long>[] results = new CompletableFuture[jobs];
            Measured measured = watched.measure();
            long start = System.nanoTime();
            List<Future<?>> forking = new ArrayList<>(clients);
            for (int c = 0; c < clients; c++) {
                int client = c;
                forking.add(forkers.submit(() -> {
                    for (int x = client; x < jobs; x += clients) { // client c forks x = c, c + N, ...
                        results[x] = streams.get(client).fork(BenchJobs::square, new BenchJobs.Task(x, pad));
                    }
                }));
            }
            for (Future<?> f : forking) {
                f.get(30, TimeUnit.MINUTES);
            }
            CompletableFuture.allOf(results).get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            Measured.Cost cost = measured.end();
            for (int x = 0; x < jobs; x++) {
                if (results[x].get() != (long) x * x) {
                    throw new IllegalStateException(clients + " clients: job " + x + " returned " + results[x].get());
                }
            }
            return new Row(clients, streamEach ? clients : 1, jobs, connectMs, seconds, cost);
        } finally {
            forkers.shutdownNow();
            connected.forEach(Impetus::close);
        }
    }

    /** {@link #WARM_JOBS} jobs spread over the streams (at least one each), waited for: workers up, code compiled. */
    private static void warm(List<Impetus.Stream> streams, String pad) throws Exception {
        List<CompletableFuture<Long>> f = new ArrayList<>();
        for (int i = 0; i < Math.max(WARM_JOBS, streams.size()); i++) {
            f.add(streams.get(i % streams.size()).fork(BenchJobs::square, new BenchJobs.Task(i, pad)));
        }
        CompletableFuture.allOf(f.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    }
}
