package io.impetus.cli;

import io.impetus.worker.Node;
import io.impetus.worker.NodeOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code impetus node foreground}: the seed's Node. */
@Command(name = "node", aliases = "worker", mixinStandardHelpOptions = true,
        description = "A worker node: runs each stream's jobs in child worker processes.")
final class NodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ACTION", description = "foreground: run in this terminal until stopped")
    Action action;

    enum Action { foreground }

    @Mixin
    BrokerOptions broker;

    @Option(names = {"-m", "--mpps"}, paramLabel = "N", description = "max number of processes per stream (default: 5)")
    int mpps = NodeOptions.DEFAULT_MPPS;

    @Option(names = "--jobs-per-worker", paramLabel = "N",
            description = "jobs buffered per worker slot, so the next job is at hand while results await their confirm (default: 16)")
    int jobsPerWorker = NodeOptions.DEFAULT_JOBS_PER_WORKER;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "where code bundles are cached (default: a temp folder)")
    Path cacheDir;

    @Override
    public Integer call() throws Exception {
        NodeOptions.Builder b = NodeOptions.builder(broker.resolve()).mpps(mpps).jobsPerWorker(jobsPerWorker);
        if (cacheDir != null) {
            b.cacheDir(cacheDir);
        }
        NodeOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw new io.impetus.core.error.InvalidPropertyException("mpps", e.getMessage());
        }
        Node node = new Node(options);
        node.start();
        return Daemons.runUntilSignalled("node", node);
    }
}
