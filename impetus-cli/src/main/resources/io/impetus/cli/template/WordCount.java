package @@package@@;

import io.impetus.client.Client;
import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.client.Node;
import io.impetus.client.Process;
import io.impetus.client.Shutdown;
import io.impetus.client.Startup;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client: {@code start} forks one job per line, each job ({@link #words}) runs on a node of the
 * installation, and {@code counted} receives the results as they come back.
 */
public class WordCount extends Client {
    /** What start forks: one job per line. */
    static final List<String> LINES = List.of(
            "Impetus runs plain Java functions as jobs",
            "on worker nodes that a scaler starts and stops",
            "and returns each result to the next stage of the program that forked it");

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public WordCount(ClientOptions options) {
        super(options);
    }

    /** The job function: static, one argument, its result sent back as JSON. It runs on a node. */
    @Node
    public static int words(String line) {
        if (line == null) {
            throw new IllegalArgumentException("a line to count the words of, not null");
        }
        String trimmed = line.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /** The first stage: forks the jobs. */
    @Startup
    public void start() {
        for (String line : LINES) {
            fork(WordCount::words, line);
        }
    }

    /** The next stage: gets each result (in batches, as they arrive) and each error. */
    @Process
    public void counted(List<Job> ready, List<Job> failed) {
        for (Job job : ready) {
            total.addAndGet(job.result(Integer.class));
        }
        for (Job job : failed) {
            errors.incrementAndGet();
            System.err.println("job " + job.id() + " failed: " + job.error());
        }
    }

    /** The last stage: runs once every job's result is in. */
    @Shutdown
    public void stop() {
        System.out.println("Total words: " + total.get());
        System.out.println("Errors: " + errors.get());
    }

    long total() {
        return total.get();
    }

    long errors() {
        return errors.get();
    }

    /** Runs against the installation that IMPETUS_RABBITMQ_URI and IMPETUS_SIGNING_KEY_FILE name (or the options given). */
    public static void main(String[] args) {
        new WordCount(ClientOptions.fromCommandLine(args).build()).runAsMain();
    }
}
