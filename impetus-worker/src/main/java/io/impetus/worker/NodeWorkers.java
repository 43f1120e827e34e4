package io.impetus.worker;

import io.impetus.core.loop.Passes;
import io.impetus.worker.child.InProcessWorker;
import io.impetus.worker.process.Worker;
import io.impetus.worker.process.WorkerArchive;
import io.impetus.worker.process.WorkerProcess;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node runs jobs in: worker processes (the default), whose class archive is made on the node's
 * blocking threads first, as a blank worker started with it costs about half the CPU; or, with
 * {@code --in-process}, threads of the node's JVM, with no archive. The warm pool waits for
 * {@link #archiveTried()}.
 */
final class NodeWorkers {
    private static final Logger log = LoggerFactory.getLogger(NodeWorkers.class);

    private final Worker.Spawner spawner;
    /** The worker class archive was made, or found, or could not be made: the warm pool may fill. */
    private volatile boolean archiveTried;

    NodeWorkers(NodeOptions options, String nodeId, Path scratch, Path cache, Executor blocking,
                MeterRegistry registry) {
        if (options.inProcess()) {
            log.warn("node {} runs jobs in process (--in-process): on its own threads, in a class loader per"
                    + " bundle, with no worker process; a job that ignores an interrupt cannot be stopped —"
                    + " for trusted short jobs only", nodeId);
            spawner = InProcessWorker.spawner(scratch);
            archiveTried = true; // no worker JVM, no archive
            Gauge.builder("impetus.inprocess.abandoned", InProcessWorker::abandoned)
                    .description("In-process jobs killed (timeout, cancel) whose thread ignored the interrupt and runs on")
                    .register(registry);
        } else {
            WorkerArchive archive = WorkerArchive.forThisJvm(cache, options.workerJvmOptions());
            // the warm pool waits for it: a blank worker started with the archive costs about half the CPU
            blocking.execute(Passes.guarded(log, "node", "make the worker class archive", () -> {
                try {
                    archive.make();
                } finally {
                    archiveTried = true;
                }
            }));
            spawner = WorkerProcess.spawner(options.workerJvmOptions(), scratch, archive::options);
        }
    }

    Worker.Spawner spawner() {
        return spawner;
    }

    boolean archiveTried() {
        return archiveTried;
    }
}
