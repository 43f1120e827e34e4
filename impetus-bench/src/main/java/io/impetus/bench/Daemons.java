package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.JvmCommand;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.topology.Topology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The bench's own coordinator and nodes: started as {@code ./impetus} starts them, awaited, and cleaned up after. */
final class Daemons {
    private Daemons() {
    }

    /** The daemons' log level: WARN, or {@value #ENV_LOG_LEVEL} (INFO or DEBUG to follow a job through their logs). */
    static final String ENV_LOG_LEVEL = "IMPETUS_BENCH_LOG_LEVEL";

    /** Starts {@code ./impetus ARGS} in its own JVM, its output in {@code WORK/NAME.log}. */
    static Process start(Map<String, String> env, Path work, String name, String... args) throws IOException {
        // as ./impetus starts the part
        return JvmCommand.of("io.impetus.cli.Impetus").role(JvmFlags.Role.ofCommand(args[0]), System.getenv()).args(args)
                .env(env).env("IMPETUS_LOG_LEVEL", System.getenv().getOrDefault(ENV_LOG_LEVEL, "WARN")).processBuilder().redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    /**
     * Waits until the coordinator answers and {@code nodes} nodes report: up to a minute, and 15 s more
     * per node past the first (20 node JVMs starting at once on a shared 2-core machine take minutes).
     */
    static void awaitCluster(ControlClient control, Path work, int nodes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + 15L * (nodes - 1));
        int reported = -1;
        while (System.nanoTime() < deadline) {
            try {
                control.call(new ControlRequest.ListStreams(false), StreamInfo[].class);
                reported = control.call(new ControlRequest.ListNodes(), NodeStatus[].class).length;
                if (reported >= nodes) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("coordinator and " + nodes + " node(s) did not come up ("
                + (reported < 0 ? "the coordinator did not answer" : reported + " node(s) reported") + "); logs in " + work);
    }

    /**
     * Deletes the queues and exchanges of this run's prefix, so runs do not pile up on the broker; tries
     * three times, as a busy broker's management API may time out.
     */
    static void removeTopology(ConnectionSettings settings) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (tryRemoveTopology(settings, attempt == 3)) {
                return;
            }
        }
    }

    private static boolean tryRemoveTopology(ConnectionSettings settings, boolean last) {
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
            return true;
        } catch (RuntimeException e) {
            System.err.println("impetus bench: could not remove the queues of prefix " + t.prefix() + ": " + e.getMessage()
                    + (last ? "" : "; trying again"));
            return false;
        }
    }
}
