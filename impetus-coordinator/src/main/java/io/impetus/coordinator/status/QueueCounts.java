package io.impetus.coordinator.status;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs queues' counts per stream, as one bulk call of the management API gave them: taken by the
 * sample every {@link StatusPage#SAMPLE_SECONDS}, served to every request. Thread-safe.
 */
final class QueueCounts {
    private static final Logger log = LoggerFactory.getLogger(QueueCounts.class);
    /** A sample older than this is taken again in the request (three missed samples). */
    static final long STALE_SAMPLE_MS = 3 * StatusPage.SAMPLE_SECONDS * 1000;

    /**
     * The counts per stream ({@code ready, unacknowledged, acked, consumers}) and ack rates at {@code at};
     * {@code done} and {@code backlog} are the sums over all streams. {@code nanos}: a {@link System#nanoTime()}.
     */
    record Snapshot(long at, long nanos, Map<String, long[]> counts, Map<String, Double> rates, long done, long backlog) {
    }

    private final ManagementClient management;
    private final Topology topology;
    private final Clock clock;
    private volatile Snapshot last;

    QueueCounts(ManagementClient management, Topology topology, Clock clock) {
        this.management = management;
        this.topology = topology;
        this.clock = clock;
    }

    /** Asks the management API now (the sample's call). */
    Snapshot take() {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Double> rates = new HashMap<>();
        long done = 0;
        long backlog = 0;
        for (ManagementClient.QueueStats q : queues()) {
            String stream = topology.streamOfJobsQueue(q.name());
            if (stream != null) {
                long[] c = counts.computeIfAbsent(stream, k -> new long[4]);
                c[0] += q.ready();
                c[1] += q.unacknowledged();
                c[2] += q.acked();
                c[3] += q.consumers();
                rates.merge(stream, q.ackRate(), Double::sum);
                done += q.acked();
                backlog += q.ready();
            }
        }
        Snapshot snapshot = new Snapshot(clock.millis(), System.nanoTime(), counts, rates, done, backlog);
        last = snapshot;
        return snapshot;
    }

    /**
     * The last sample's counts: a request never waits for the management API (whose answer for thousands of
     * queues takes hundreds of milliseconds) unless no sample was taken lately (the loop not started yet, or stalled).
     */
    Snapshot latest() {
        Snapshot q = last;
        if (q == null || StatusPage.ageMs(q.nanos()) > STALE_SAMPLE_MS) {
            q = take();
        }
        return q;
    }

    private List<ManagementClient.QueueStats> queues() {
        if (management == null) {
            return List.of();
        }
        try {
            return management.queues(topology.prefix() + ".stream.");
        } catch (ImpetusException e) {
            log.debug("status page: no queue counts from the management API: {}", e.getMessage());
            return List.of();
        }
    }
}
