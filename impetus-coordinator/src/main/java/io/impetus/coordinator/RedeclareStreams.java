package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.StreamInfo;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop step: declares the shared topology and every open stream's queues and exchange again, telling a
 * stream's clients when its jobs queue was missing. Every {@link #EVERY} while active; {@link #declareAll()}
 * also at start, after a connection recovery and on becoming active.
 */
final class RedeclareStreams {
    private static final Logger log = LoggerFactory.getLogger(RedeclareStreams.class);
    static final Duration EVERY = Duration.ofSeconds(30);

    private final CoordinatorStore store;
    private final StreamTopology streams;
    private final DeclareSharedTopology shared;
    private final BooleanSupplier active;

    RedeclareStreams(CoordinatorStore store, StreamTopology streams, DeclareSharedTopology shared, BooleanSupplier active) {
        this.store = store;
        this.streams = streams;
        this.shared = shared;
        this.active = active;
    }

    /** {@link #declareAll()}, only while active; returns how many jobs queues were found missing. */
    int runOnce() {
        return active.getAsBoolean() ? declareAll() : 0;
    }

    /** Declares the shared topology and that of every open stream; returns how many jobs queues were missing. */
    int declareAll() {
        shared.runOnce();
        int missing = 0;
        for (StreamInfo s : store.streams(false)) {
            try {
                if (streams.redeclareStream(s.id(), s.properties())) {
                    missing++;
                    log.warn("the jobs queue of stream {} was missing; declared it again and told its clients", s.id());
                }
            } catch (ImpetusException e) {
                // one stream whose queue or exchange the broker refuses must not stop the others
                log.error("cannot re-declare stream {}: {} — delete its queue and exchange in the management UI"
                        + " (or close the stream) to let the coordinator declare them again", s.id(), e.getMessage());
            }
        }
        return missing;
    }
}
