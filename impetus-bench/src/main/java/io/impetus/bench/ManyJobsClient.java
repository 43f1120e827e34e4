package io.impetus.bench;

import io.impetus.client.Client;
import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.client.Node;
import io.impetus.client.Process;
import io.impetus.client.Progress;
import io.impetus.client.Shutdown;
import io.impetus.client.Startup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * {@code ./impetus bench --client-jobs N}: one Client API program that forks {@code N} jobs
 * ({@code x * x} for x in 0..N-1) from its startup stage and takes every result in the next stage,
 * checking each x arrives exactly once with the right square. The bench runs it in its own JVM
 * with a small heap ({@code -Xmx128m}) and reads its exit code and last line.
 */
public final class ManyJobsClient extends Client {
    private final int count;
    private final BitSet seen;
    private long results;
    private long wrong;
    private long repeats;
    private long errors;

    ManyJobsClient(ClientOptions options, int count) {
        super(options);
        this.count = count;
        this.seen = new BitSet(count);
    }

    @Node
    public static long square(BenchJobs.Task task) {
        return BenchJobs.square(task);
    }

    @Startup
    public void start() {
        for (long x = 0; x < count; x++) {
            fork(ManyJobsClient::square, new BenchJobs.Task(x, "")); // waits while 10,000 are outstanding
        }
    }

    @Process
    public void squares(List<Job> ready, List<Job> failed) {
        errors += failed.size();
        for (Job job : ready) {
            long x = job.args(BenchJobs.Task.class).x();
            if (job.result(Long.class) != x * x) {
                wrong++;
            }
            if (seen.get((int) x)) {
                repeats++;
            }
            seen.set((int) x);
            results++;
        }
    }

    @Shutdown
    public void stop(Map<String, Path> ready, Map<String, Path> failed, Progress progress) {
        System.out.printf("many-jobs: %d results, %d distinct, %d repeated, %d wrong, %d errors%n", results,
                seen.cardinality(), repeats, wrong, errors);
    }

    boolean allOnce() {
        return results == count && seen.cardinality() == count && repeats == 0 && wrong == 0 && errors == 0;
    }

    /** {@code ManyJobsClient COUNT [client options]}: exit 0 when every result came exactly once. */
    public static void main(String[] args) {
        int count = Integer.parseInt(args[0]);
        ManyJobsClient client = new ManyJobsClient(ClientOptions.fromCommandLine(
                Arrays.copyOfRange(args, 1, args.length)).progressInterval(Duration.ofSeconds(30))
                .build(), count);
        client.run();
        System.exit(client.allOnce() ? 0 : 1);
    }
}
