package io.impetus.coordinator.schedule;

import io.impetus.coordinator.store.ScheduleRecord;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schedule's results queue: durable, bound to its stream's results exchange for the schedule's results client
 * ({@link ScheduleSpec#resultsClient}), bounded in length ({@code x-max-length}, the oldest dropped) and age
 * ({@code x-message-ttl}). Declared before a schedule's first fire in this process; read by peeking (nothing is
 * taken off it). Thread-safe.
 */
public final class ScheduleResults {
    private static final Logger log = LoggerFactory.getLogger(ScheduleResults.class);

    private final Broker broker;
    private final Topology topology;
    private final WireCodec wire = WireCodec.standard();
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    public ScheduleResults(Broker broker, Topology topology) {
        this.broker = broker;
        this.topology = topology;
    }

    /** The name of schedule {@code s}'s results queue. */
    public String queue(String stream, String schedule) {
        return topology.resultsQueue(stream, ScheduleSpec.resultsClient(schedule));
    }

    /** Declares the queue unless this process did; one made with other bounds is made again with these. */
    public void declare(ScheduleRecord s) {
        String key = s.stream() + "/" + s.id() + "/" + s.spec().resultsKept() + "/" + s.spec().resultsTtlSeconds();
        if (declared.contains(key)) {
            return;
        }
        String queue = queue(s.stream(), s.id());
        QueueSpec spec = QueueSpec.durable(queue, Map.of("x-max-length", s.spec().resultsKept(),
                "x-message-ttl", s.spec().resultsTtlSeconds() * 1000, "x-overflow", "drop-head"));
        try {
            broker.declareQueue(spec);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.PRECONDITION_FAILED) {
                throw e;
            }
            log.info("schedule {}: its results queue {} had other bounds; made again with {} results for {} s (the"
                    + " results it held are gone)", s.id(), queue, s.spec().resultsKept(), s.spec().resultsTtlSeconds());
            broker.deleteQueue(queue, false);
            broker.declareQueue(spec);
        }
        broker.bind(queue, topology.resultsExchange(s.stream()), topology.resultRoutingKey(
                ScheduleSpec.resultsClient(s.id())));
        declared.add(key);
    }

    /** The oldest {@code max} results still in the queue, left where they are; none when there is no queue. */
    public List<ScheduleResult> peek(String stream, String schedule, int max) {
        List<ScheduleResult> out = new ArrayList<>();
        try {
            broker.sweep(queue(stream, schedule), max, m -> {
                try {
                    for (JobEnvelope job : JobParts.jobs(m, wire)) {
                        out.add(new ScheduleResult(job.id(), job.created(), job.status().wireName(), job.result(),
                                job.node()));
                    }
                } catch (RuntimeException e) {
                    log.debug("schedule {}: a result that cannot be read: {}", schedule, e.getMessage());
                }
                return false;
            });
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.NOT_FOUND) {
                throw e;
            }
        }
        return out;
    }

    /** Deletes schedule {@code schedule}'s results queue (it was deleted). */
    public void delete(String stream, String schedule) {
        declared.removeIf(k -> k.startsWith(stream + "/" + schedule + "/"));
        try {
            broker.deleteQueue(queue(stream, schedule), false);
        } catch (RuntimeException e) {
            log.warn("schedule {}: its results queue not deleted: {}", schedule, e.getMessage());
        }
    }
}
