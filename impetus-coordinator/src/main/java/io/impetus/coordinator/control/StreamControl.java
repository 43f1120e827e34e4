package io.impetus.coordinator.control;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.stream.StreamTopology;
import io.impetus.core.error.InvalidPropertyException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, reuses, updates and closes streams for {@link ControlHandler}: declares their topology, saves them
 * and has each change announced. Calls on the same stream run one at a time, on different streams in parallel.
 */
final class StreamControl {
    private static final Logger log = LoggerFactory.getLogger(StreamControl.class);

    private final CoordinatorStore store;
    private final StreamTopology topology;
    private final Clock clock;
    private final BiConsumer<String, StreamInfo> events;
    private final QueueType defaultQueueType;
    private final Map<String, Object> streamLocks = new ConcurrentHashMap<>();

    StreamControl(CoordinatorStore store, StreamTopology topology, Clock clock, BiConsumer<String, StreamInfo> events,
                  QueueType defaultQueueType) {
        this.store = store;
        this.topology = topology;
        this.clock = clock;
        this.events = events;
        this.defaultQueueType = defaultQueueType;
    }

    CreateStreamResult create(ControlRequest.CreateStream r, Caller caller) {
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

    CreateStreamResult update(ControlRequest.UpdateStream r, Caller caller) {
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

    StreamInfo close(ControlRequest.CloseStream r, Caller caller) {
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

    /** The stream, or {@code UNKNOWN_STREAM}; a malformed id is a {@code BAD_REQUEST}. */
    StreamInfo existing(String id) {
        return store.stream(checkedId(id)).orElseThrow(() -> new RpcException(RpcError.of(
                RpcError.Code.UNKNOWN_STREAM, "no stream '" + id + "' — create it first")));
    }

    /** The id if it is a valid stream id, else a {@code BAD_REQUEST}. */
    static String checkedId(String id) {
        try {
            return StreamId.check("stream", id);
        } catch (InvalidPropertyException e) {
            throw new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, e.getMessage()));
        }
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

    private Object lock(String id) {
        return streamLocks.computeIfAbsent(id, k -> new Object());
    }
}
