package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.Subscription;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code impetus watch STREAM}: a live progress bar of a stream (forked, done, errors, rate,
 * ETA), counted from the moment it starts. It sees every result by binding its own temporary
 * queue to the stream's results exchange (a node's batch of results counts as the jobs it holds); in a terminal it redraws one line, piped it prints a
 * plain line per interval. With {@code --logs} it also prints the running jobs' updates that travel
 * there: each job's progress and what it printed ({@link JobUpdateLines}).
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Show a live progress bar of a stream: forked, done, errors, rate and ETA.")
final class WatchCommand implements Callable<Integer> {
    /** With --until-done: no result for this long (plus three intervals), nothing ready or running. */
    static final Duration QUIET = Duration.ofSeconds(2);

    @Parameters(index = "0", paramLabel = "STREAM", description = "the stream to watch")
    String stream;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "seconds between updates (default: 1)")
    double interval = 1;

    @Option(names = "--until-done", description = "exit once nothing is waiting or running and no result came for a"
            + " few seconds (after at least one result)")
    boolean untilDone;

    @Option(names = "--plain", description = "print plain lines even in a terminal")
    boolean plain;

    @Option(names = "--logs", description = "also print each running job's progress and what it prints, as they come"
            + " (plain lines)")
    boolean logs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ConnectionSettings settings = broker.resolve();
        boolean terminal = System.console() != null && !plain && !logs; // log lines between: no redrawing
        try (Broker b = Brokers.connect(settings, "impetus watch")) {
            StreamInfo info = new ControlClient(b, settings.topology(), Duration.ofSeconds(10), ControlOptions.environmentKey())
                    .call(new ControlRequest.GetStream(stream), StreamInfo.class);
            String queue = b.declareTemporaryQueue(settings.topology().eventsQueue("watch", String.valueOf(ProcessHandle.current().pid())));
            b.bind(queue, settings.topology().resultsExchange(stream), "#");
            ResultTally tally = new ResultTally();
            ManagementClient management = new ManagementClient(settings);
            List<String> jobsQueues = settings.topology().jobsQueues(stream, info.properties());
            String jobsQueue = settings.topology().jobsQueue(stream);
            JobUpdateLines updates = new JobUpdateLines();
            try (Subscription sub = b.consume(queue, 1000, d -> {
                tally.count(d.message());
                if (logs) {
                    updates.add(d.message());
                }
                d.ack();
            })) {
                out.printf("watching stream %s (%s)%n", stream, info.state().name().toLowerCase(Locale.ROOT));
                out.flush();
                long start = System.nanoTime();
                double rate = 0;
                long lastFinished = 0;
                long lastNanos = start;
                long lastResultNanos = start;
                while (true) {
                    Thread.sleep((long) (interval * 1000));
                    // ready from AMQP (exact, now); unacknowledged only from the management API (sampled every few s)
                    long ready = 0;
                    for (String q : jobsQueues) {
                        ready += b.inspect(q).map(c -> c.ready()).orElse(0L);
                    }
                    long running;
                    try {
                        running = management.queues(jobsQueue).stream().filter(x -> jobsQueues.contains(x.name()))
                                .mapToLong(ManagementClient.QueueStats::unacknowledged).sum();
                    } catch (ImpetusException e) {
                        running = -1;
                    }
                    long finished = tally.done() + tally.errors();
                    long now = System.nanoTime();
                    if (finished != lastFinished) {
                        lastResultNanos = now;
                    }
                    double instant = (finished - lastFinished) / ((now - lastNanos) / 1e9);
                    rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant;
                    lastFinished = finished;
                    lastNanos = now;
                    long pending = ready + Math.max(0, running);
                    String line = line(finished, pending, tally.done(), tally.errors(), rate, running);
                    if (logs) {
                        updates.drain().forEach(out::println);
                    }
                    if (terminal) {
                        out.print("\r" + line + "   ");
                    } else {
                        out.println(line);
                    }
                    out.flush();
                    boolean quiet = now - lastResultNanos > QUIET.toNanos() + (long) (3 * interval * 1e9);
                    if (untilDone && finished > 0 && ready == 0 && running <= 0 && quiet) {
                        if (terminal) {
                            out.println();
                        }
                        out.printf("stream %s: nothing waiting or running; %d done, %d errors in %.1f s%n", stream,
                                tally.done(), tally.errors(), (now - start) / 1e9);
                        out.flush();
                        return 0;
                    }
                }
            }
        }
    }

    static String line(long finished, long pending, long done, long errors, double rate, long running) {
        long total = finished + pending;
        int width = 30;
        int filled = total == 0 ? 0 : (int) (width * finished / total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String eta = rate > 0.01 && pending > 0 ? String.format("%.0f s", pending / rate) : "-";
        return String.format("[%s] done %d  errors %d  waiting %d%s  %.1f/s  ETA %s", bar, done, errors,
                pending, running >= 0 ? " (running " + running + ")" : "", rate, eta);
    }
}
