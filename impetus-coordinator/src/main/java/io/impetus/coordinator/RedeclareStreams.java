package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.ListedTopology;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.StreamInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop step: declares the shared topology and every open stream's queues and exchange again, telling a
 * stream's clients when its jobs queue was missing. Every {@link #EVERY} while active, and on becoming active
 * ({@link #runOnce()}, {@link #declareAll()}): the management API's listing of the streams' queues and exchanges
 * (one paged read each) spares the two broker calls of every stream it shows whole; a stream it does not (missing,
 * or made after the listing) and every stream when it cannot be read are asked of the broker, which decides.
 * Every {@link #ASK_EVERY}-th pass, and after a connection recovery ({@link #declareEach()}), the broker is asked
 * for every stream.
 */
final class RedeclareStreams {
    private static final Logger log = LoggerFactory.getLogger(RedeclareStreams.class);
    static final Duration EVERY = Duration.ofSeconds(30);
    /** Every this many passes the broker is asked for every stream, listing or not (about every 5 minutes). */
    static final int ASK_EVERY = 10;

    private final CoordinatorStore store;
    private final StreamTopology streams;
    private final DeclareSharedTopology shared;
    private final Supplier<Optional<ListedTopology>> listing;
    private final BooleanSupplier active;
    private int passes;

    /** @param listing the streams' queues and exchanges as the management API lists them; empty when it cannot */
    RedeclareStreams(CoordinatorStore store, StreamTopology streams, DeclareSharedTopology shared,
                     Supplier<Optional<ListedTopology>> listing, BooleanSupplier active) {
        this.store = store;
        this.streams = streams;
        this.shared = shared;
        this.listing = listing;
        this.active = active;
    }

    /** {@link #declareAll()}, only while active; returns how many jobs queues were found missing. */
    int runOnce() {
        return active.getAsBoolean() ? declareAll() : 0;
    }

    /**
     * Declares the shared topology and that of every open stream the management API does not list whole;
     * returns how many jobs queues were missing.
     */
    int declareAll() {
        // every ASK_EVERY-th pass asks the broker itself: a listing that is wrong for good (the management API of
        // another cluster, or of one side of a partition) cannot hide a missing queue longer than that
        if (++passes % ASK_EVERY == 0) {
            return declare(Optional.empty());
        }
        return declare(listing.get());
    }

    /** Declares the shared topology and that of every open stream, asking the broker for each. */
    int declareEach() {
        return declare(Optional.empty());
    }

    private int declare(Optional<ListedTopology> listed) {
        shared.runOnce();
        int missing = 0;
        for (StreamInfo s : store.streams(false)) {
            if (listed.isPresent() && streams.listedWhole(s.id(), s.properties(), listed.get())) {
                continue;
            }
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
