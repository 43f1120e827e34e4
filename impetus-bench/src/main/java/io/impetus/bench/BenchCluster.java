package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.security.SigningKey;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run's coordinator and nodes: started, awaited, and on close stopped (each given a minute) with the
 * queues and exchanges of the run's prefix removed — also when only some of them started.
 */
final class BenchCluster implements AutoCloseable {
    private final ConnectionSettings settings;
    private final List<Process> daemons = new ArrayList<>();
    private final List<Process> nodes = new ArrayList<>();
    private Process coordinator;
    private int statusPort;

    BenchCluster(ConnectionSettings settings) {
        this.settings = settings;
    }

    /**
     * Starts the coordinator, its status page on 127.0.0.1 only (for the --idle rows' /api/status time), and
     * {@code count} nodes with {@code nodeArgs}, each with a bundle cache of its own.
     */
    void start(Map<String, String> env, Path work, List<String> nodeArgs, int count) throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            statusPort = free.getLocalPort();
        }
        coordinator = Daemons.start(env, work, "coordinator", "coordinator", "foreground", "--data-dir",
                work.resolve("store").toString(), "--http-port", String.valueOf(statusPort), "--insecure-http");
        daemons.add(coordinator);
        for (int n = 1; n <= count; n++) {
            List<String> args = new ArrayList<>(nodeArgs);
            args.set(args.indexOf("--cache-dir") + 1, work.resolve("bundles" + n).toString());
            Process node = Daemons.start(env, work, n == 1 ? "node" : "node" + n, args.toArray(String[]::new));
            nodes.add(node);
            daemons.add(node);
        }
    }

    /** Waits until the coordinator answers and every node reports (see {@link Daemons#awaitCluster}). */
    void awaitUp(Broker broker, Path work) throws InterruptedException {
        Daemons.awaitCluster(new ControlClient(broker, settings.topology(), Duration.ofSeconds(3),
                SigningKey.configured(System.getenv(), System::getProperty)), work, nodes.size());
    }

    Process coordinator() {
        return coordinator;
    }

    /** The first node: the one whose memory and workers the rounds measure. */
    Process node() {
        return nodes.get(0);
    }

    List<Process> nodes() {
        return nodes;
    }

    int statusPort() {
        return statusPort;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : daemons) {
            p.destroy();
        }
        for (Process p : daemons) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Daemons.removeTopology(settings);
    }
}
