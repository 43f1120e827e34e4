package io.impetus.client.internal;

import io.impetus.core.broker.Subscription;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's streams: opening one ({@code create_stream}, then consuming this client's results
 * queue of it into the {@link ResultsReceiver}), many at once, closing one, and, when the client
 * closes, its subscriptions and results queues. Thread-safe.
 */
final class StreamSubscriptions {
    private static final Logger log = LoggerFactory.getLogger(StreamSubscriptions.class);
    static final int RESULTS_PREFETCH = 500;
    /** Most {@code create_stream} requests in flight at once when many streams are opened together. */
    static final int CREATE_PIPELINE = 64;
    /** Most answered streams subscribed at once when many are opened together. */
    static final int SUBSCRIBE_THREADS = 8;

    private final SessionState state;
    private final ResultsReceiver receiver;
    private final JobSender sender;
    private final Timer later;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    StreamSubscriptions(SessionState state, ResultsReceiver receiver, JobSender sender, Timer later) {
        this.state = state;
        this.receiver = receiver;
        this.sender = sender;
        this.later = later;
    }

    /** See {@link ClientSession#openStream}. */
    StreamInfo open(String stream, Map<String, Object> properties, ResultSink sink) {
        CreateStreamResult created = state.control().call(
                new ControlRequest.CreateStream(stream, properties, state.clientId()), CreateStreamResult.class);
        return subscribe(stream, created, sink);
    }

    /**
     * See {@link ClientSession#openStreams}. The answered streams are subscribed on up to
     * {@link #SUBSCRIBE_THREADS} threads at once (their results queues declared, bound and consumed on
     * admin channels of their own), while the next requests are still in flight: one after another, the
     * client's five broker round trips a stream were a floor of their own under the coordinator's.
     */
    List<StreamInfo> openAll(List<String> streams, Map<String, Object> properties, ResultSink sink) {
        return new OpenStreams(state.control(), state.clientId(), streams.size(),
                (stream, created) -> subscribe(stream, created, sink)).open(streams, properties);
    }

    private StreamInfo subscribe(String stream, CreateStreamResult created, ResultSink sink) {
        if (!created.changed().isEmpty()) {
            log.info("stream {} exists; changed its properties {}", stream, created.changed());
        }
        if (!created.refused().isEmpty()) {
            log.warn("stream {} exists; properties {} cannot change after create and were kept as they are",
                    stream, created.refused());
        }
        state.sinks().put(stream, sink);
        state.streams().put(stream, created.stream());
        if (!subscribed.add(stream)) { // already subscribed (or being subscribed: the same id twice in one call)
            return created.stream();
        }
        try {
            consumeResults(stream, created);
        } catch (RuntimeException | Error e) {
            subscribed.remove(stream);
            throw e;
        }
        return created.stream();
    }

    private void consumeResults(String stream, CreateStreamResult created) {
        String clientId = state.clientId();
        String queue = state.topology().resultsQueue(stream, clientId);
        QueueType type = created.stream().properties().queueTypeOrClassic();
        Set<String> sentBefore = state.sentBefore();
        if (!sentBefore.isEmpty() && state.broker().inspect(queue).isEmpty()) {
            // expired or deleted with whatever results it held: what the earlier run sent may never answer
            log.warn("results queue {} of an earlier run is gone (expired, or deleted); the {} jobs that run sent and"
                    + " that are forked again are sent again", queue, sentBefore.size());
            sentBefore.clear();
        }
        declareResultsQueue(stream, clientId, type);
        long waiting = state.broker().inspect(queue).map(q -> q.ready()).orElse(0L);
        if (waiting > 0) {
            log.info("{} results of an earlier run of client {} are waiting on {}", waiting, clientId, queue);
            state.backlog().addAndGet(waiting);
        }
        subscriptions.add(state.broker().consume(queue, RESULTS_PREFETCH, d -> receiver.received(stream, d), () -> {
            state.declarer().declareResults(stream, clientId, type);
            // the queue was deleted with whatever results it held: send the stream's outstanding jobs again
            later.schedule(() -> sender.resend(stream, "this client's results queue was deleted", null), 0);
        }));
    }

    /**
     * The results queue and its bindings. The coordinator has just declared the stream's results exchange
     * (it answers create_stream only once it has), so it is not declared again here; only if a binding finds
     * it missing (deleted by hand since) is it declared, where this client may.
     */
    private void declareResultsQueue(String stream, String clientId, QueueType type) {
        try {
            state.declarer().declareResultsQueue(stream, clientId, type);
        } catch (BrokerException e) {
            if (e.kind() != BrokerException.Kind.NOT_FOUND) {
                throw e;
            }
            state.declarer().declareResults(stream, clientId, type);
        }
    }

    /** See {@link ClientSession#closeStream}. */
    void close(String stream) {
        try {
            state.control().call(new ControlRequest.CloseStream(stream, state.clientId()), StreamInfo.class);
        } catch (ImpetusException e) {
            log.warn("stream {} not closed: {}", stream, e.getMessage());
        }
        state.meters().remove(stream);
    }

    /** Stops receiving; with {@code finished}, deletes this client's (empty) results queues. */
    void closeAll(boolean finished) {
        subscriptions.forEach(Subscription::close);
        if (finished) {
            for (String stream : state.streams().keySet()) {
                try {
                    state.broker().deleteQueue(state.topology().resultsQueue(stream, state.clientId()), true);
                } catch (ImpetusException e) {
                    log.debug("results queue of {} kept: {}", stream, e.getMessage());
                }
            }
        }
    }
}
