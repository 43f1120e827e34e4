package io.impetus.bench;

import io.impetus.client.Impetus;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.stream.StreamId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Many nodes on one stream ({@code --spread}): one client forks the jobs into one new stream served
 * by every node of the run; each job tells which process ran it ({@link BenchJobs#placed}), so the
 * row says how many jobs each node ran: none starved means every node ran some.
 */
final class SpreadRun {
    /** The row: nodes, jobs, time from opening the stream to the last result, jobs run by each node, cost. */
    record Row(int nodes, int mpps, int jobs, double seconds, int[] perNode, int elsewhere, Measured.Cost cost) {
        double jobsPerSecond() {
            return jobs / seconds;
        }

        int min() {
            return Arrays.stream(perNode).min().orElse(0);
        }

        int max() {
            return Arrays.stream(perNode).max().orElse(0);
        }

        long starved() {
            return Arrays.stream(perNode).filter(n -> n == 0).count();
        }

        String line() {
            StringBuilder b = new StringBuilder(String.format("%d nodes (mpps %d), 1 stream × %d jobs: every result"
                    + " right, %.1f s (%.0f jobs/s); jobs run per node min %d / max %d, %s%s; CPU s", nodes, mpps, jobs,
                    seconds, jobsPerSecond(), min(), max(), starved() == 0 ? "no node starved" : starved() + " node(s) ran none",
                    elsewhere == 0 ? "" : ", " + elsewhere + " jobs ran in no node of this run (?)"));
            cost.cpuSeconds().forEach((name, s) -> b.append(String.format(" %s %.1f", name.replace("children:", ""), s)));
            b.append("; peak RSS MB");
            cost.peakRssKb().forEach((name, kb) -> b.append(String.format(" %s %d", name.replace("children:", ""), kb / 1024)));
            return b.append("; broker ").append(cost.broker().words()).append("; per node ")
                    .append(Arrays.toString(perNode)).toString();
        }
    }

    private final ConnectionSettings settings;
    private final Watched watched;

    SpreadRun(ConnectionSettings settings, Watched watched) {
        this.settings = settings;
        this.watched = watched;
    }

    Row run(int jobs, int mpps, String pad) throws Exception {
        List<Long> nodePids = watched.nodes().stream().map(Process::pid).toList();
        try (Impetus impetus = Impetus.connect(settings)) {
            Measured measured = watched.measure();
            long start = System.nanoTime();
            Impetus.Stream stream = open(impetus, "spread-" + StreamId.random().substring(0, 6));
            List<CompletableFuture<BenchJobs.Placed>> results = new ArrayList<>(jobs);
            for (int x = 0; x < jobs; x++) {
                results.add(stream.fork(BenchJobs::placed, new BenchJobs.Task(x, pad)));
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            Measured.Cost cost = measured.end();
            int[] perNode = new int[nodePids.size()];
            int elsewhere = 0;
            for (int x = 0; x < jobs; x++) {
                BenchJobs.Placed p = results.get(x).get();
                if (p.square() != (long) x * x) {
                    throw new IllegalStateException("spread: job " + x + " returned " + p.square());
                }
                int node = nodeOf(nodePids, p);
                if (node < 0) {
                    elsewhere++;
                } else {
                    perNode[node]++;
                }
            }
            return new Row(nodePids.size(), mpps, jobs, seconds, perNode, elsewhere, cost);
        }
    }

    /** Opens the stream, asking again (3 times in all) when the coordinator, busy with 20 nodes' heartbeats, does not answer. */
    private static Impetus.Stream open(Impetus impetus, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                return impetus.stream(id, Map.of());
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("impetus bench: opening stream " + id + " failed (" + e.getMessage() + "); asking again");
            }
        }
    }

    /** The node that ran the job: its worker's parent, or the process itself (a job run inside the node), or -1. */
    static int nodeOf(List<Long> nodePids, BenchJobs.Placed p) {
        int byParent = nodePids.indexOf(p.parentPid());
        return byParent >= 0 ? byParent : nodePids.indexOf(p.pid());
    }
}
