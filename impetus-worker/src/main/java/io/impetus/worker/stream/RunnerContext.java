package io.impetus.worker.stream;

import io.impetus.core.broker.Broker;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.topology.Topology;
import io.impetus.worker.bundle.BundleCache;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every stream runner of a node shares.
 *
 * @param broker the node's broker connection
 * @param topology queue and exchange names
 * @param control control RPCs to the coordinator (rate permits)
 * @param bundles the node's bundle cache
 * @param nodeId the node's id, written into each job it runs
 * @param mpps most worker processes per stream
 * @param jobsPerWorker jobs buffered per worker slot (prefetch = mpps x this)
 * @param workerJvmOptions options for each worker JVM
 * @param spawner where worker JVMs are started (blocking)
 * @param timer schedules frequency pauses
 * @param clock time source
 * @param wire body codec
 * @param onBlocked told when a job reports the node blocked
 */
public record RunnerContext(
        Broker broker,
        Topology topology,
        io.impetus.core.rpc.ControlClient control,
        BundleCache bundles,
        String nodeId,
        int mpps,
        int jobsPerWorker,
        List<String> workerJvmOptions,
        ExecutorService spawner,
        ScheduledExecutorService timer,
        Clock clock,
        WireCodec wire,
        Runnable onBlocked) {
}
