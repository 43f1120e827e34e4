package io.impetus.coordinator.control;

import io.impetus.coordinator.cancel.CancelList;
import io.impetus.coordinator.cancel.KnownJobs;
import io.impetus.coordinator.rate.RateLimits;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import java.time.Clock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Answers control RPCs. Thread-safe: calls on different streams run in parallel, calls on the
 * same stream one at a time. Failures are thrown as {@link RpcException} with a typed code.
 * Streams are changed by {@link StreamControl}, bundles kept by {@link BundleControl}, cancels
 * accepted by {@link CancelControl}.
 */
public final class ControlHandler {
    private volatile Function<ControlRequest.ForkAfter, Object> forkAfter = r -> {
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "this coordinator does not answer fork_after"));
    };
    private volatile BiFunction<ControlRequest.Schedules, Caller, Object> schedules = (r, c) -> {
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "this coordinator does not answer schedules"));
    };
    static final int MAX_PERMITS_ASKED = 100_000;

    private final CoordinatorStore store;
    private final NodeRegistry nodes;
    private final RateLimits rateLimits;
    private final CancelList cancels;
    private final StreamControl streams;
    private final BundleControl bundles;
    private final CancelControl cancelling;

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
        this.store = store;
        this.nodes = nodes;
        this.rateLimits = new RateLimits(clock);
        this.cancels = new CancelList(store, clock);
        this.streams = new StreamControl(store, topology, clock, events, defaultQueueType);
        this.bundles = new BundleControl(store, streams, clock);
        this.cancelling = new CancelControl(streams, cancels, new KnownJobs(store, nodes::recent), clock);
    }

    /** Where an accepted cancel is announced to the nodes (the coordinator's {@code job.cancel} event). */
    public void onCancel(Consumer<JobCancel> announcer) {
        cancelling.announceWith(announcer);
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
            return streams.create(r, caller);
        } else if (request instanceof ControlRequest.GetStream r) {
            return streams.existing(r.stream());
        } else if (request instanceof ControlRequest.ListStreams r) {
            return store.streams(r.includeClosed());
        } else if (request instanceof ControlRequest.UpdateStream r) {
            return streams.update(r, caller);
        } else if (request instanceof ControlRequest.CloseStream r) {
            return streams.close(r, caller);
        } else if (request instanceof ControlRequest.RegisterBundle r) {
            return bundles.register(r);
        } else if (request instanceof ControlRequest.FetchBundle r) {
            return bundles.fetch(r);
        } else if (request instanceof ControlRequest.ListNodes) {
            return nodes.recent();
        } else if (request instanceof ControlRequest.GetScaler) {
            return nodes.scaler();
        } else if (request instanceof ControlRequest.ForkAfter r) {
            return forkAfter.apply(r);
        } else if (request instanceof ControlRequest.Schedules r) {
            return schedules.apply(r, caller);
        } else if (request instanceof ControlRequest.CancelJobs r) {
            return cancelling.cancel(r, caller);
        } else if (request instanceof ControlRequest.ListCancels) {
            return cancels.recent();
        } else if (request instanceof ControlRequest.AcquirePermits r) {
            if (r.wanted() < 1 || r.wanted() > MAX_PERMITS_ASKED) {
                throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "acquire_permits asks for 1 to "
                        + MAX_PERMITS_ASKED + " permits, not " + r.wanted()));
            }
            StreamInfo stream = streams.existing(r.stream());
            return rateLimits.acquire(stream.id(), stream.properties().maxRate(), r.wanted());
        }
        throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, "unknown request " + request));
    }
}
