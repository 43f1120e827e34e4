package io.impetus.coordinator.delay;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobMessages;
import io.impetus.core.job.JobStatus;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delayed jobs: taken from the delayed queue into the store (acked once committed), and
 * published to their stream's queue when due ({@link #runOnce()}), removed from the store once
 * the broker confirms. A restart loses none: they fire late, never not at all. No worker slot
 * is held while a job waits, and a short delay never waits behind a long one.
 *
 * <p>Every delayed job is checked in full before it is stored (id, stream, delay in range); one
 * that fails is dead-lettered with the reason. A held job that cannot be published (unreadable,
 * or its stream closed and removed) is dead-lettered and released, so it never blocks the jobs
 * due after it. A store failure gives the delivery back after a pause.
 */
public final class DelayedJobs {
    private static final Logger log = LoggerFactory.getLogger(DelayedJobs.class);
    static final int BATCH = 500;
    /** How long a delivery waits before it goes back to the queue when the store failed. */
    static final long STORE_RETRY_MS = 1000;

    private final CoordinatorStore store;
    private final Broker broker;
    private final Topology topology;
    private final Clock clock;
    private final Timer later;
    private final WireCodec wire = WireCodec.standard();
    private final TopologyDeclarer declarer;
    private final Set<String> publishing = ConcurrentHashMap.newKeySet();
    /**
     * Jobs released since the last claim began: a claim that read a job's row just before its confirm
     * released it must not publish it again once the confirm has taken it out of {@link #publishing}.
     */
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    /** Jobs published and released lately: their hold, delivered again, is not held a second time. */
    private final RecentlyReleased recentlyReleased = new RecentlyReleased();
    private final Consumer<String> deadLettered;
    private final BooleanSupplier active;
    /** The installation's key, or {@code null} where it does not sign: a delayed job must carry its client's signature. */
    private final SigningKey signingKey;

    /** @param later runs a task after a number of milliseconds (the coordinator's timer) */
    public DelayedJobs(CoordinatorStore store, Broker broker, Topology topology, Clock clock,
                       Timer later) {
        this(store, broker, topology, clock, later, reason -> { });
    }

    /** @param deadLettered told the reason of each message dead-lettered (for the metrics) */
    public DelayedJobs(CoordinatorStore store, Broker broker, Topology topology, Clock clock,
                       Timer later, Consumer<String> deadLettered) {
        this(store, broker, topology, null, clock, later, deadLettered, () -> true);
    }

    /**
     * @param store a view fenced by the coordinator's lease: due jobs are claimed under its epoch
     * @param signingKey signs the {@code _lost} notice sent when a due job finds its stream's queue gone; a job
     *                   to hold must carry a client's signature by it (null: the installation does not sign)
     * @param active whether the coordinator still holds its lease, asked again just before each publish
     */
    public DelayedJobs(CoordinatorStore store, Broker broker, Topology topology,
                       SigningKey signingKey, Clock clock,
                       Timer later, Consumer<String> deadLettered,
                       BooleanSupplier active) {
        this.active = active;
        this.deadLettered = deadLettered;
        this.store = store;
        this.broker = broker;
        this.topology = topology;
        this.clock = clock;
        this.later = later;
        this.declarer = new TopologyDeclarer(broker, topology, signingKey, clock);
        this.signingKey = signingKey;
    }

    /** A delayed job arrived: hold it until {@code now + delay}. The delivery is settled on every path. */
    public void hold(Delivery d) {
        JobEnvelope job;
        try {
            job = JobChecks.delayed(wire.read(d.message(), JobEnvelope.class));
        } catch (RuntimeException e) {
            d.ackOnceSent(() -> deadLetter(d.message(), "not a valid delayed job: " + e.getMessage()));
            return;
        }
        if (signingKey != null) {
            // a node would refuse it when due; refused now, nobody with a broker login fills the store with forgeries
            SignatureCheck check = Signatures.jobCheck(signingKey, job);
            if (!check.valid()) {
                String why = "signature: delayed job " + job.id() + " is " + (job.signature() == null ? "not signed"
                        : check.unknownKey() ? check.reason() : "not signed with this installation's key, or was"
                        + " changed after it was signed");
                d.ackOnceSent(() -> deadLetter(d.message(), why));
                return;
            }
        }
        // only a redelivery of the first send: a client sends a released job again on purpose when its stream's jobs
        // queue was lost, marked, and a fenced coordinator may have given that back (redelivered too)
        if (d.message().redelivered() && d.message().header(Topology.RESEND_HEADER) == null
                && recentlyReleased.contains(job.id())) {
            log.info("delayed job {} of stream {} was published already; its hold came again (an ack that did not reach"
                    + " the broker before a pause or cut): dropped", job.id(), job.stream());
            d.ack();
            return;
        }
        Instant due;
        try {
            due = store.holdJob(job.id(), job.stream(), Duration.ofMillis((long) (job.delay() * 1000)), job.priority(),
                    Json.write(job));
        } catch (FencedException e) {
            log.info("delayed job {} given back to the queue: {}", job.id(), e.getMessage());
            d.reject(true); // the coordinator that holds the lease now takes it
            return;
        } catch (RuntimeException e) {
            log.error("cannot store delayed job {}: {}; it goes back to the queue in {} ms", job.id(), e.getMessage(),
                    STORE_RETRY_MS);
            later.schedule(() -> d.reject(true), STORE_RETRY_MS);
            return;
        }
        if (due != null) {
            // held anew after a release (its client sent it again): a claim must not take it for the released one;
            // were this late for a claim that read the new row, the next pass publishes it
            released.remove(job.id());
        }
        log.debug("holding job {} of stream {} until {}", job.id(), job.stream(), due);
        d.ack();
    }

    /**
     * How long until the earliest held job falls due on the database's clock (zero or less: one is due now),
     * empty when none is held: one read, no claim, so a pass that finds nothing due writes nothing.
     */
    public Optional<Duration> nextDue() {
        return store.nextDueIn();
    }

    /**
     * Claims every job that is due under the lease's epoch, and publishes them while the lease is still
     * held; returns how many it sent. A coordinator whose epoch is stale claims nothing, so it cannot
     * publish a job the one that holds the lease now publishes too.
     */
    public int runOnce() {
        int sent = 0;
        List<CoordinatorStore.DelayedJob> due;
        try {
            due = store.claimDueJobs(BATCH);
        } catch (FencedException e) {
            log.info("due delayed jobs not published: {}", e.getMessage());
            return 0;
        }
        Set<String> claimed = new HashSet<>();
        due.forEach(held -> claimed.add(held.id()));
        released.retainAll(claimed); // a job released before this claim read the rows is not among them
        for (CoordinatorStore.DelayedJob held : due) {
            if (!active.getAsBoolean()) {
                log.info("the lease ran out while publishing due delayed jobs; {} left to the active coordinator",
                        due.size() - sent);
                break; // paused between claim and publish: the next holder claims them again
            }
            if (!publishing.add(held.id())) {
                continue; // its publish is still waiting for a confirm
            }
            if (released.contains(held.id())) {
                publishing.remove(held.id()); // confirmed and released after this claim read its row
                continue;
            }
            JobEnvelope waiting;
            try {
                JobEnvelope read = Json.read(held.body(), JobEnvelope.class);
                if (read.status() == JobStatus.ERROR) {
                    failDependant(held, read);
                    sent++;
                    continue;
                }
                JobEnvelope job = JobChecks.delayed(read);
                waiting = job.status() == JobStatus.DELAYED ? job.moveTo(JobStatus.WAITING) : job;
            } catch (RuntimeException e) {
                giveUp(held, "a held delayed job cannot be read: " + e.getMessage());
                continue;
            }
            Optional<StreamInfo> stream = store.stream(held.stream());
            publish(held, waiting, stream.map(StreamInfo::properties).orElse(StreamProperties.DEFAULTS));
            sent++;
        }
        return sent;
    }

    private void publish(CoordinatorStore.DelayedJob held, JobEnvelope waiting,
                         StreamProperties props) {
        WireCodec.Encoded body = wire.encode(Json.write(waiting));
        broker.publish(OutboundMessage.toQueue(topology.jobsQueue(held.stream(), props, held.priority())).body(body.body())
                .contentEncoding(body.contentEncoding()).priority(held.priority()).messageId(held.id())
                .type(waiting.status().wireName()).build())
                .whenComplete((ok, e) -> {
                    try {
                        if (e == null) {
                            recentlyReleased.add(held.id()); // first: a redelivered hold from now on is dropped
                            store.releaseJob(held.id());
                            released.add(held.id()); // before publishing.remove, so a claim racing it sees one of them
                            Duration late = Duration.between(held.due(), clock.instant());
                            log.debug("released job {} of stream {} ({} ms after due)", held.id(), held.stream(),
                                    late.toMillis());
                        } else if (BrokerException.isMissingTopology(e)) {
                            missingQueue(held);
                        } else {
                            log.warn("delayed job {} not published ({}); trying again", held.id(), e.getMessage());
                        }
                    } catch (RuntimeException x) {
                        log.warn("delayed job {}: {}; trying again", held.id(), x.getMessage());
                    } finally {
                        publishing.remove(held.id());
                    }
                });
    }

    /**
     * A job that waited for others whose input failed (under {@code fail_dependant}): it never runs, its client
     * gets its signed error result (made by the coordinator) on the stream's results exchange.
     */
    private void failDependant(CoordinatorStore.DelayedJob held, JobEnvelope failed) {
        CompletableFuture<Void> published;
        try {
            published = broker.publish(JobMessages.single(OutboundMessage.to(topology.resultsExchange(held.stream()),
                    topology.resultRoutingKey(failed.client())), failed, wire).build());
        } catch (RuntimeException e) {
            published = CompletableFuture.failedFuture(e);
        }
        published.whenComplete((ok, e) -> {
            if (e != null && BrokerException.isMissingTopology(e)) {
                // its client finished and its results queue is gone: nobody is left to tell
                giveUp(held, "the results queue of client " + failed.client() + " is gone; job " + held.id()
                        + " did not run: " + failed.result());
                return;
            }
            try {
                if (e == null) {
                    store.releaseJob(held.id());
                    log.info("job {} of stream {} did not run: {}", held.id(), held.stream(), failed.result());
                } else {
                    log.warn("the error result of job {} not published ({}); trying again", held.id(), e.getMessage());
                }
            } catch (RuntimeException x) {
                log.warn("job {}: {}; trying again", held.id(), x.getMessage());
            } finally {
                publishing.remove(held.id());
            }
        });
    }

    /** Its stream's jobs queue is missing: declared again while the stream is open, else the job is given up. */
    private void missingQueue(CoordinatorStore.DelayedJob held) {
        Optional<StreamInfo> stream = store.stream(held.stream());
        if (stream.isPresent() && stream.get().isOpen()) {
            log.warn("the jobs queue of stream {} is missing; declaring it again for delayed job {}", held.stream(),
                    held.id());
            declarer.redeclareStream(held.stream(), stream.get().properties());
        } else {
            giveUp(held, "stream '" + held.stream() + "' is " + (stream.isPresent() ? "closed" : "unknown")
                    + " and its jobs queue is gone");
        }
    }

    /** Dead-letters a held job with {@code reason} and releases it from the store once that is confirmed. */
    private void giveUp(CoordinatorStore.DelayedJob held, String reason) {
        log.warn("delayed job {}: {}; dead-lettered", held.id(), reason);
        deadLetter(new InboundMessage("", "", held.body(), null, Map.of(), held.priority(), null, null, held.id(), null,
                false, null), reason).whenComplete((ok, e) -> {
            try {
                if (e == null) {
                    store.releaseJob(held.id());
                    released.add(held.id());
                }
            } finally {
                publishing.remove(held.id());
            }
        });
    }

    private CompletableFuture<Void> deadLetter(InboundMessage m, String reason) {
        log.warn("delayed queue: dead-lettering a message: {}", reason);
        deadLettered.accept(reason);
        try {
            return broker.publish(topology.deadLetter(m, "delayed", reason));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
