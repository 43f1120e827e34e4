package io.impetus.worker.stream;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.worker.bundle.BundleSource;
import io.impetus.worker.process.Worker;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every stream runner of a node shares. Each part is a seam: unit tests give a fake broker,
 * fake workers, a direct executor and a clock-driven scheduler.
 *
 * @param broker the node's broker connection
 * @param topology queue and exchange names
 * @param control control RPCs to the coordinator (rate permits)
 * @param bundles where code bundles come from
 * @param nodeId the node's id, written into each job it runs
 * @param mpps most worker processes per stream
 * @param jobsPerWorker jobs buffered per worker slot (prefetch = mpps x this)
 * @param workers starts worker processes
 * @param slots the node-wide cap on worker processes, shared by every stream
 * @param blocking where blocking work runs (starting a worker, declaring topology again)
 * @param timer runs delayed steps (frequency pauses, retries)
 * @param clock time source
 * @param wire body codec, with the node's size limits
 * @param onBlocked told when a job reports the node blocked
 * @param signingKey checks jobs and signs results; {@code null} when the installation signs nothing
 * @param metrics the node's job meters
 * @param budget the bytes of jobs the node may hold, across its streams; {@code null}: unbounded
 * @param haltAfterResult fault injection for tests: a job function name whose first result makes the node
 *     halt between the result's confirm and the job's ack; {@code null}: never
 */
public record RunnerContext(
        Broker broker,
        Topology topology,
        ControlClient control,
        BundleSource bundles,
        String nodeId,
        int mpps,
        int jobsPerWorker,
        Worker.Spawner workers,
        WorkerSlots slots,
        Executor blocking,
        Timer timer,
        Clock clock,
        WireCodec wire,
        Runnable onBlocked,
        SigningKey signingKey,
        NodeMetrics metrics,
        DeliveryBudget budget,
        String haltAfterResult) {

    /** A context without fault injection. */
    public RunnerContext(Broker broker, Topology topology, ControlClient control, BundleSource bundles, String nodeId,
                         int mpps, int jobsPerWorker, Worker.Spawner workers, WorkerSlots slots, Executor blocking,
                         Timer timer, Clock clock, WireCodec wire, Runnable onBlocked,
                         SigningKey signingKey, NodeMetrics metrics,
                         DeliveryBudget budget) {
        this(broker, topology, control, bundles, nodeId, mpps, jobsPerWorker, workers, slots, blocking, timer, clock,
                wire, onBlocked, signingKey, metrics, budget, null);
    }
}
