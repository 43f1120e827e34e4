package io.impetus.coordinator.control;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.cancel.KnownJobs;
import io.impetus.coordinator.rate.RateLimits;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.error.CodecException;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobChecks;
import io.impetus.core.rpc.BundleData;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamId;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers control RPCs. Thread-safe: calls on different streams run in parallel, calls on the
 * same stream one at a time. Failures are thrown as {@link RpcException} with a typed code.
 */
public final class ControlHandler {
    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);

    private volatile Function<ControlRequest.ForkAfter, Object> forkAfter = r -> {
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "this coordinator does not answer fork_after"));
    };
    private volatile BiFunction<ControlRequest.Schedules, Caller, Object> schedules = (r, c) -> {
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "this coordinator does not answer schedules"));
    };
    private final CoordinatorStore store;
    private final StreamTopology topology;
    private final NodeRegistry nodes;
    private final Clock clock;
    private final BiConsumer<String, StreamInfo> events;
    private final Map<String, Object> streamLocks = new ConcurrentHashMap<>();
    private final RateLimits rateLimits;
    private final QueueType defaultQueueType;
    private static final Pattern BUNDLE_ID = Pattern.compile("[0-9a-f]{64}");
    static final int MAX_PERMITS_ASKED = 100_000;
    private final CancelList cancels;
    private final KnownJobs knownJobs;
    private volatile Consumer<JobCancel> cancelAnnouncer = c -> { };

    /**
     * @param events receives ({@code stream.created|updated|closed}, stream) to announce
     */
    public ControlHandler(CoordinatorStore store, StreamTopology topology, NodeRegistry nodes, Clock clock,
                          BiConsumer<String, StreamInfo> events) {
        this(store, topology, nodes, clock, events, QueueType.CLASSIC);
    }

    /**
     * @param events receives ({@code stream.created|updated|closed}, stream) to announce
     * @param defaultQueueType the queue type of a stream created without {@code queueType}
     */
    public ControlHandler(CoordinatorStore store, StreamTopology topology, NodeRegistry nodes, Clock clock,
                          BiConsumer<String, StreamInfo> events, QueueType defaultQueueType) {
        this.defaultQueueType = defaultQueueType;
        this.store = store;
        this.topology = topology;
        this.nodes = nodes;
        this.clock = clock;
        this.events = events;
        this.rateLimits = new RateLimits(clock);
        this.cancels = new CancelList(store, clock);
        this.knownJobs = new KnownJobs(store, nodes::recent);
    }

    /** Where an accepted cancel is announced to the nodes (the coordinator's {@code job.cancel} event). */
    public void onCancel(Consumer<JobCancel> announcer) {
        this.cancelAnnouncer = announcer;
    }

    /** The cancels nodes must still honour, as the store keeps them. */
    public CancelList cancels() {
        return cancels;
    }

    /** Answers {@code fork_after} (jobs that wait for other jobs); refused until the coordinator sets it. */
    public void answerForkAfterWith(Function<ControlRequest.ForkAfter, Object> answer) {
        this.forkAfter = answer;
    }

    /** Answers {@code schedules} (recurring jobs, {@link ScheduleControl}); refused until the coordinator sets it. */
    public void answerSchedulesWith(BiFunction<ControlRequest.Schedules, Caller, Object> answer) {
        this.schedules = answer;
    }

    /** Handles one request from a non-admin; see {@link #handle(ControlRequest, Caller)}. */
    public Object handle(ControlRequest request) {
        return handle(request, Caller.ANYONE);
    }

    /** Handles one request from the admin ({@code admin}) or from a caller with no broker user. */
    public Object handle(ControlRequest request, boolean admin) {
        return handle(request, admin ? Caller.ADMIN : Caller.ANYONE);
    }

    /**
     * Handles one request and returns the reply body; a malformed request is a {@code BAD_REQUEST}.
     * A stream created by a client may be changed, closed or reopened only by that client, sending as
     * the broker user that created it, or by the admin ({@link CreatorRule}).
     */
    public Object handle(ControlRequest request, Caller caller) {
        if (request == null) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "empty control request"));
        }
        if (request instanceof ControlRequest.CreateStream r) {
            return create(r, caller);
        } else if (request instanceof ControlRequest.GetStream r) {
            return existing(r.stream());
        } else if (request instanceof ControlRequest.ListStreams r) {
            return store.streams(r.includeClosed());
        } else if (request instanceof ControlRequest.UpdateStream r) {
            return update(r, caller);
        } else if (request instanceof ControlRequest.CloseStream r) {
            return close(r, caller);
        } else if (request instanceof ControlRequest.RegisterBundle r) {
            return register(r);
        } else if (request instanceof ControlRequest.FetchBundle r) {
            return fetch(r);
        } else if (request instanceof ControlRequest.ListNodes) {
            return nodes.recent();
        } else if (request instanceof ControlRequest.GetScaler) {
            return nodes.scaler();
        } else if (request instanceof ControlRequest.ForkAfter r) {
            return forkAfter.apply(r);
        } else if (request instanceof ControlRequest.Schedules r) {
            return schedules.apply(r, caller);
        } else if (request instanceof ControlRequest.CancelJobs r) {
            return cancel(r, caller);
        } else if (request instanceof ControlRequest.ListCancels) {
            return cancels.recent();
        } else if (request instanceof ControlRequest.AcquirePermits r) {
            if (r.wanted() < 1 || r.wanted() > MAX_PERMITS_ASKED) {
                throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "acquire_permits asks for 1 to "
                        + MAX_PERMITS_ASKED + " permits, not " + r.wanted()));
            }
            StreamInfo stream = existing(r.stream());
            return rateLimits.acquire(stream.id(), stream.properties().maxRate(), r.wanted());
        }
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "unknown request " + request));
    }

    private CreateStreamResult create(ControlRequest.CreateStream r, Caller caller) {
        String id = checkedId(r.stream());
        synchronized (lock(id)) {
            StreamInfo old = store.stream(id).orElse(null);
            if (old == null) {
                topology.checkNewStreamId(id);
                Map<String, Object> given = CreatorRule.withoutCreator(r.properties());
                given.putAll(CreatorRule.creatorOf(r.client(), caller));
                StreamProperties asked = properties(() -> StreamProperties.fromMap(given));
                StreamProperties props = asked.queueType() != null ? asked
                        : asked.toBuilder().queueType(defaultQueueType).build();
                StreamInfo created = new StreamInfo(id, props, StreamInfo.State.OPEN, clock.instant(), null);
                topology.declareStream(id, props);
                store.saveStream(created);
                log.info("created stream {} {}", id, props.toMap());
                events.accept(Topology.STREAM_CREATED, created);
                return new CreateStreamResult(created, true, List.of(), List.of());
            }
            Change change = apply(old, CreatorRule.withoutCreator(r.properties()));
            if (!CreatorRule.mayChange(old, r.client(), caller)) {
                if (!old.isOpen()) {
                    throw CreatorRule.forbidden(old, "reopen");
                }
                if (!change.changed().isEmpty()) { // joining a stream is allowed; changing it is not
                    log.warn("create_stream {} by client {} (broker user {}): not its creator, so {} kept as they are",
                            id, r.client(), caller.user(), change.changed());
                    List<String> kept = new ArrayList<>(change.refused());
                    kept.addAll(change.changed());
                    return new CreateStreamResult(old, false, List.of(), kept);
                }
            }
            StreamInfo reopened = new StreamInfo(id, change.properties(), StreamInfo.State.OPEN, old.created(), null);
            topology.declareStream(id, reopened.properties());
            if (!change.changed().isEmpty() || !old.isOpen()) {
                store.saveStream(reopened);
                log.info("reused stream {}{}: changed {}, kept {}", id, old.isOpen() ? "" : " (reopened)",
                        change.changed(), change.refused());
                events.accept(Topology.STREAM_UPDATED, reopened);
            }
            return new CreateStreamResult(reopened, false, change.changed(), change.refused());
        }
    }

    private CreateStreamResult update(ControlRequest.UpdateStream r, Caller caller) {
        String id = checkedId(r.stream());
        synchronized (lock(id)) {
            StreamInfo old = existing(id);
            CreatorRule.require(old, r.client(), caller, "update");
            if (!old.isOpen()) {
                throw new RpcException(RpcError.of(RpcError.Code.STREAM_CLOSED, "stream '" + id + "' is closed"));
            }
            Change change = apply(old, CreatorRule.withoutCreator(r.properties()));
            StreamInfo updated = new StreamInfo(id, change.properties(), old.state(), old.created(), null);
            if (!change.changed().isEmpty()) {
                store.saveStream(updated);
                log.info("updated stream {}: {}", id, change.changed());
                events.accept(Topology.STREAM_UPDATED, updated);
            }
            return new CreateStreamResult(updated, false, change.changed(), change.refused());
        }
    }

    private StreamInfo close(ControlRequest.CloseStream r, Caller caller) {
        String id = checkedId(r.stream());
        synchronized (lock(id)) {
            StreamInfo old = existing(id);
            CreatorRule.require(old, r.client(), caller, "close");
            if (!old.isOpen()) {
                return old;
            }
            StreamInfo closed = new StreamInfo(id, old.properties(), StreamInfo.State.CLOSED, old.created(),
                    clock.instant());
            store.saveStream(closed);
            log.info("closed stream {}", id);
            events.accept(Topology.STREAM_CLOSED, closed);
            return closed;
        }
    }

    /**
     * A cancel of one job or of every job of a stream so far, by the stream's creator or the admin:
     * recorded in the store for nodes that start later (and coordinators that take the lease later), then
     * announced to the nodes running now. A job must be one the
     * coordinator sees in the stream ({@link KnownJobs}: running, delayed, waiting for other jobs), else
     * it is refused and nothing changes, unless the caller vouches that it is queued (the client API,
     * which checks that the job is its own and outstanding; {@code impetus cancel --queued}).
     */
    private JobCancel cancel(ControlRequest.CancelJobs r, Caller caller) {
        String id = checkedId(r.stream());
        String job;
        try {
            job = r.job() == null ? null : JobChecks.checkId(JobCancel.checkedJobId(r.job()));
        } catch (RuntimeException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "cancel_jobs: " + e.getMessage()));
        }
        StreamInfo stream = existing(id);
        CreatorRule.require(stream, r.client(), caller, "cancel jobs of");
        if (job != null && !r.vouched()) {
            requireLive(id, job);
        }
        // to the millisecond: as nodes hear it (JSON), as the store keeps it, so every copy is the same cancel
        JobCancel cancel = new JobCancel(id, job, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                caller.admin() ? "the admin" : "client " + r.client());
        cancels.add(cancel); // recorded (fenced) before it is acknowledged and announced: no coordinator's restart forgets it
        log.info("cancel of {} accepted from {} (broker user {})", job == null ? "every job of stream " + id
                + " forked until now" : "job " + job + " of stream " + id, cancel.by(), caller.user());
        cancelAnnouncer.accept(cancel);
        return cancel;
    }

    private void requireLive(String stream, String job) {
        String what = switch (knownJobs.find(stream, job)) {
            case LIVE -> null;
            case ENDED -> "job " + job + " of stream '" + stream + "' has already ended: there is nothing to cancel";
            case OTHER_STREAM -> "job " + job + " is not a job of stream '" + stream + "'";
            case UNSEEN -> "no job " + job + " is running, delayed or waiting for other jobs in stream '" + stream
                    + "'. A job still waiting in the broker's queue is not visible to the coordinator: if you know it"
                    + " is queued, cancel it with --queued (impetus cancel), or from the client that forked it";
        };
        if (what != null) {
            log.info("cancel of job {} of stream {} refused: {}", job, stream, what);
            throw new RpcException(RpcError.of(RpcError.Code.UNKNOWN_JOB, what + "; nothing was cancelled"));
        }
    }

    private String register(ControlRequest.RegisterBundle r) {
        if (r.zip() == null || r.bundleId() == null || !BUNDLE_ID.matcher(r.bundleId()).matches()) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST,
                    "register_bundle needs a bundleId (64 hex digits) and the zip"));
        }
        try {
            CodeBundle bundle = CodeBundle.fromZip(r.zip(), r.bundleId());
            if (r.stream() != null) {
                existing(checkedId(r.stream()));
            }
            store.saveBundle(bundle.id(), r.zip(), clock.instant());
            log.info("registered code bundle {} ({} entries) for stream {}", bundle.id().substring(0, 12),
                    bundle.size(), r.stream());
            return bundle.id();
        } catch (CodecException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "code bundle refused: " + e.getMessage()));
        }
    }

    private BundleData fetch(ControlRequest.FetchBundle r) {
        if (r.bundleId() == null || !BUNDLE_ID.matcher(r.bundleId()).matches()) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "fetch_bundle needs a bundleId (64 hex digits)"));
        }
        return store.bundle(r.bundleId()).map(zip -> new BundleData(r.bundleId(), zip))
                .orElseThrow(() -> new RpcException(RpcError.of(RpcError.Code.UNKNOWN_BUNDLE,
                        "no code bundle " + r.bundleId() + " is registered")));
    }

    private StreamInfo existing(String id) {
        return store.stream(checkedId(id)).orElseThrow(() -> new RpcException(RpcError.of(
                RpcError.Code.UNKNOWN_STREAM, "no stream '" + id + "' — create it first")));
    }

    private record Change(StreamProperties properties, List<String> changed, List<String> refused) {
    }

    /** Applies the updatable properties; the fixed ones that differ are kept and reported. */
    private Change apply(StreamInfo old, Map<String, Object> requested) {
        StreamProperties wanted = properties(() -> old.properties().with(requested));
        Set<String> differing = old.properties().differences(wanted);
        List<String> refused = new ArrayList<>();
        Map<String, Object> applicable = new LinkedHashMap<>(requested);
        for (String fixed : StreamProperties.FIXED_AFTER_CREATE) {
            if (differing.contains(fixed)) {
                refused.add(fixed);
                applicable.remove(fixed);
            }
        }
        StreamProperties result = properties(() -> old.properties().with(applicable));
        return new Change(result, List.copyOf(old.properties().differences(result)), refused);
    }

    private static StreamProperties properties(Supplier<StreamProperties> make) {
        try {
            return make.get();
        } catch (InvalidPropertyException e) {
            throw new RpcException(RpcError.of(RpcError.Code.INVALID_PROPERTY, e.getMessage()));
        }
    }

    private static String checkedId(String id) {
        try {
            return StreamId.check("stream", id);
        } catch (InvalidPropertyException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, e.getMessage()));
        }
    }

    private Object lock(String id) {
        return streamLocks.computeIfAbsent(id, k -> new Object());
    }
}
