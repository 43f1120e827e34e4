package io.impetus.client.internal;

import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's streams opened together (see {@link ClientSession#openStreams}): their {@code create_stream}
 * requests sent {@link StreamSubscriptions#CREATE_PIPELINE} ahead of the answers, each answered stream
 * subscribed on a pool of up to {@link StreamSubscriptions#SUBSCRIBE_THREADS} threads. The first failure
 * (a refusal, a stream that cannot be subscribed, the caller interrupted) stops the sending and is thrown,
 * naming the stream; however it ends, nothing is subscribed after it returns — subscriptions not yet
 * started are cancelled, those under way awaited (each bounded by the broker's call timeout) — and an
 * interrupt is kept. One use, on the caller's thread.
 */
final class OpenStreams {
    private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);

    /** Subscribes one answered stream (on a pool thread). */
    @FunctionalInterface
    interface Subscriber {
        StreamInfo subscribe(String stream, CreateStreamResult created);
    }

    private final ControlClient control;
    private final String clientId;
    private final Subscriber subscriber;
    private final ExecutorService pool;
    private final List<Future<StreamInfo>> subscribing = new ArrayList<>();
    private final AtomicBoolean subscribeFailed = new AtomicBoolean();
    private Throwable failed;

    OpenStreams(ControlClient control, String clientId, int streams, Subscriber subscriber) {
        this.control = control;
        this.clientId = clientId;
        this.subscriber = subscriber;
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(StreamSubscriptions.SUBSCRIBE_THREADS, streams)),
                r -> {
                    Thread t = new Thread(r, "impetus-open-streams");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** The streams, in the order of {@code streams}; or the first failure, the streams subscribed before it open. */
    List<StreamInfo> open(List<String> streams, Map<String, Object> properties) {
        try {
            createAndSubscribe(streams, properties);
            List<StreamInfo> out = awaitSubscribed();
            if (failed instanceof Error e) {
                throw e;
            }
            if (failed != null) {
                throw (RuntimeException) failed;
            }
            return out;
        } finally {
            stop();
        }
    }

    private void createAndSubscribe(List<String> streams, Map<String, Object> properties) {
        ArrayDeque<Map.Entry<String, CompletableFuture<ControlReply>>> inFlight = new ArrayDeque<>();
        int i = 0;
        while (true) {
            boolean stop = failed != null || subscribeFailed.get();
            if (!stop && Thread.currentThread().isInterrupted()) {
                fail(interrupted(null));
                stop = true;
            }
            if (i < streams.size() && inFlight.size() < StreamSubscriptions.CREATE_PIPELINE && !stop) {
                String stream = streams.get(i++);
                try {
                    inFlight.add(Map.entry(stream, control.send(
                            new ControlRequest.CreateStream(stream, properties, clientId))));
                } catch (RuntimeException e) {
                    fail(named(stream, "cannot ask for stream", e));
                }
                continue;
            }
            Map.Entry<String, CompletableFuture<ControlReply>> next = inFlight.poll();
            if (next == null) {
                return; // all sent and answered, or a failure and the requests in flight answered
            }
            String stream = next.getKey();
            CreateStreamResult created;
            try {
                created = ControlClient.await(next.getValue(), CreateStreamResult.class);
            } catch (RuntimeException e) {
                fail(Thread.currentThread().isInterrupted() ? interrupted(e) : named(stream, "cannot create stream", e));
                continue;
            }
            subscribing.add(pool.submit(() -> {
                try {
                    return subscriber.subscribe(stream, created);
                } catch (RuntimeException e) {
                    subscribeFailed.set(true); // as a refusal does, it stops sending more requests
                    throw named(stream, "cannot receive the results of stream", e);
                } catch (Error e) {
                    subscribeFailed.set(true);
                    throw e;
                }
            }));
        }
    }

    private List<StreamInfo> awaitSubscribed() {
        List<StreamInfo> out = new ArrayList<>(subscribing.size());
        for (Future<StreamInfo> f : subscribing) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                fail(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(interrupted(e));
                break;
            }
        }
        return out;
    }

    /**
     * Cancels the subscriptions not started and waits for those under way, so that none is made after the
     * call returns (a client closing next would not close it); an interrupt meanwhile is kept for the caller.
     */
    private void stop() {
        subscribing.forEach(f -> f.cancel(false));
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                log.warn("opening streams: still waiting for a stream's subscription to finish (broker slow to answer)");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Throwable e) {
        if (failed == null) {
            failed = e;
        }
    }

    private static ImpetusException interrupted(Throwable e) {
        return new ImpetusException("interrupted while opening streams: the streams subscribed so far stay open;"
                + " calling again with the same ids joins the others", e);
    }

    /**
     * {@code e} with the stream named, its kind and whether it may be retried kept; a coordinator's refusal
     * (which names the stream itself) as it is.
     */
    static RuntimeException named(String stream, String what, RuntimeException e) {
        if (e instanceof RpcException) {
            return e;
        }
        String message = what + " '" + stream + "': " + (e.getMessage() == null ? e.toString() : e.getMessage());
        if (e instanceof BrokerException be) {
            return new BrokerException(be.kind(), message, be);
        }
        boolean retryable = e instanceof ImpetusException ie && ie.retryable();
        return new ImpetusException(message, retryable, e);
    }
}
