package io.impetus.coordinator.stream;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.topology.Topology;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams' queues and exchanges (names under {@code <prefix>.stream.}) as the management API listed them, in
 * one paged read each: what lets the periodic check of every stream's topology skip the two broker calls per
 * stream for the streams whose queues and exchange are all there.
 */
public record ListedTopology(Set<String> queues, Set<String> exchanges) {
    private static final Logger log = LoggerFactory.getLogger(ListedTopology.class);

    public ListedTopology {
        queues = Set.copyOf(queues);
        exchanges = Set.copyOf(exchanges);
    }

    /** Whether every one of {@code jobsQueues} and {@code resultsExchange} was listed. */
    public boolean holds(Collection<String> jobsQueues, String resultsExchange) {
        return exchanges.contains(resultsExchange) && queues.containsAll(jobsQueues);
    }

    /**
     * Reads the listing from {@code management} each time it is asked; empty when the management API cannot be
     * read (not reachable, refused, no tag for the user), which is logged once until it answers again.
     */
    public static Supplier<Optional<ListedTopology>> from(ManagementClient management, Topology topology) {
        String head = topology.prefix() + ".stream.";
        AtomicBoolean failing = new AtomicBoolean();
        return () -> {
            try {
                Optional<ListedTopology> listed = Optional.of(new ListedTopology(management.queueNames(head),
                        management.exchangeNames(head)));
                failing.set(false);
                return listed;
            } catch (ImpetusException e) {
                if (!failing.getAndSet(true)) {
                    log.warn("cannot list the streams' queues from the management API ({}); the 30-s check of every"
                            + " stream's topology asks the broker stream by stream (two calls a stream) until it answers."
                            + " Give the coordinator's user the management or monitoring tag", e.getMessage());
                }
                return Optional.empty();
            }
        };
    }
}
