package io.impetus.coordinator.cancel;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the coordinator looks for a job a cancel names: the running jobs of the nodes' heartbeats (every 5 s, at
 * most 100 a node) and its store (delayed jobs, jobs waiting for other jobs, and the recorded results of jobs others
 * may wait for). It cannot see a job waiting in the broker's queue, nor the end of a job no other job waits for:
 * such a job is {@link Sighting#UNSEEN}, the same as an id that was never forked.
 */
public final class KnownJobs {
    /** What the coordinator knows of a job id in a stream. */
    public enum Sighting {
        /** Running on a node, delayed, or waiting for other jobs: a cancel can stop it. */
        LIVE,
        /** Its result is recorded: nothing left to cancel. */
        ENDED,
        /** A job of another stream. */
        OTHER_STREAM,
        /** Not known: never forked, ended without a record, or waiting in the broker's queue. */
        UNSEEN
    }

    private final CoordinatorStore store;
    private final Supplier<List<NodeStatus>> nodes;

    public KnownJobs(CoordinatorStore store, Supplier<List<NodeStatus>> nodes) {
        this.store = store;
        this.nodes = nodes;
    }

    /** What is known of job {@code id} in {@code stream}; reads the store (may throw when it is unavailable). */
    public Sighting find(String stream, String id) {
        for (NodeStatus node : nodes.get()) {
            for (JobUpdate running : node.jobs()) {
                if (id.equals(running.jobId())) {
                    return stream.equals(running.stream()) ? Sighting.LIVE : Sighting.OTHER_STREAM;
                }
            }
        }
        Optional<CoordinatorStore.KnownJob> held = store.knownJob(id);
        if (held.isEmpty()) {
            return Sighting.UNSEEN;
        }
        if (!held.get().stream().equals(stream)) {
            return Sighting.OTHER_STREAM;
        }
        return held.get().ended() ? Sighting.ENDED : Sighting.LIVE;
    }
}
