package io.impetus.coordinator.delay;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delayed jobs: taken from the delayed queue into the store (acked once committed), and
 * published to their stream's queue when due ({@link #runOnce()}), removed from the store once
 * the broker confirms. A restart loses none: they fire late, never not at all. No worker slot
 * is held while a job waits, and a short delay never waits behind a long one.
 */
public final class DelayedJobs {
    private static final Logger log = LoggerFactory.getLogger(DelayedJobs.class);
    static final int BATCH = 500;

    private final CoordinatorStore store;
    private final Broker broker;
    private final Topology topology;
    private final Clock clock;
    private final WireCodec wire = WireCodec.standard();
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();

    public DelayedJobs(CoordinatorStore store, Broker broker, Topology topology, Clock clock) {
        this.store = store;
        this.broker = broker;
        this.topology = topology;
        this.clock = clock;
    }

    /** A delayed job arrived: hold it until {@code now + delay}. */
    public void hold(Delivery d) {
        JobEnvelope job;
        try {
            job = Json.read(wire.decode(d.message().body(), d.message().contentEncoding()), JobEnvelope.class);
        } catch (ImpetusException e) {
            String reason = "not a valid job envelope: " + e.getMessage();
            log.warn("delayed queue: dead-lettering a message: {}", reason);
            broker.publish(OutboundMessage.to(topology.deadExchange(), "delayed").body(d.message().body())
                    .contentEncoding(d.message().contentEncoding()).headers(Map.of(Topology.REASON_HEADER, reason))
                    .build()).whenComplete((ok, x) -> d.reject(x != null));
            return;
        }
        Instant due = clock.instant().plusMillis((long) (job.delay() * 1000));
        store.holdJob(new CoordinatorStore.DelayedJob(job.id(), job.stream(), due, job.priority(), Json.write(job)));
        log.debug("holding job {} of stream {} until {}", job.id(), job.stream(), due);
        d.ack();
    }

    /** Publishes every job that is due; returns how many it sent. */
    public int runOnce() {
        int sent = 0;
        for (CoordinatorStore.DelayedJob held : store.dueJobs(clock.instant(), BATCH)) {
            if (!publishing.add(held.id())) {
                continue; // its publish is still waiting for a confirm
            }
            JobEnvelope job = Json.read(held.body(), JobEnvelope.class);
            JobEnvelope waiting = job.status() == JobStatus.DELAYED ? job.moveTo(JobStatus.WAITING) : job;
            WireCodec.Encoded body = wire.encode(Json.write(waiting));
            broker.publish(OutboundMessage.toQueue(topology.jobsQueue(held.stream())).body(body.body())
                    .contentEncoding(body.contentEncoding()).priority(held.priority()).messageId(held.id())
                    .type(waiting.status().wireName()).build())
                    .whenComplete((ok, e) -> {
                        try {
                            if (e == null) {
                                store.releaseJob(held.id());
                                Duration late = Duration.between(held.due(), clock.instant());
                                log.debug("released job {} of stream {} ({} ms after due)", held.id(), held.stream(),
                                        late.toMillis());
                            } else {
                                log.warn("delayed job {} not published ({}); trying again", held.id(), e.getMessage());
                            }
                        } finally {
                            publishing.remove(held.id());
                        }
                    });
            sent++;
        }
        return sent;
    }
}
