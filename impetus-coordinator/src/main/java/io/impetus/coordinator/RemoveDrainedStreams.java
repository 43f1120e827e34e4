package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.rpc.StreamInfo;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop step: closed streams whose queue is empty and unconsumed and that hold no delayed job lose their
 * queues and exchange, and their row is marked drained (it goes after the store's retention). Every
 * {@link #EVERY} while active, and once more when an active coordinator stops. Thread-safe.
 */
final class RemoveDrainedStreams {
    private static final Logger log = LoggerFactory.getLogger(RemoveDrainedStreams.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final CoordinatorStore store;
    private final CoordinatorStore fenced;
    private final StreamTopology streams;
    private final BooleanSupplier active;
    private final Set<String> removed = ConcurrentHashMap.newKeySet();

    /** @param fenced the store through the lease's fence, for the drained mark */
    RemoveDrainedStreams(CoordinatorStore store, CoordinatorStore fenced, StreamTopology streams, BooleanSupplier active) {
        this.store = store;
        this.fenced = fenced;
        this.streams = streams;
        this.active = active;
    }

    /** Removes what is drained, only while active; returns the streams whose queues it removed. */
    int runOnce() {
        if (!active.getAsBoolean()) {
            return 0;
        }
        int count = 0;
        for (StreamInfo s : store.closedStreamsNotDrained()) {
            if (!s.isOpen() && !removed.contains(s.id()) && store.delayedCount(s.id()) == 0
                    && streams.removeIfDrained(s.id(), s.properties())) {
                removed.add(s.id());
                fenced.markDrained(s.id()); // its row goes after the store's retention
                log.info("removed the queues of closed stream {} (drained)", s.id());
                count++;
            }
        }
        return count;
    }

    /** A stream was reopened: its queues exist again, and are removed again once it is closed and drained. */
    void reopened(String stream) {
        removed.remove(stream);
    }
}
