package io.impetus.client;

import com.fasterxml.jackson.databind.JavaType;
import io.impetus.client.internal.ClientSession;
import io.impetus.client.internal.ForkRequest;
import io.impetus.client.internal.FunctionRef;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamId;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain API, without subclassing: {@code Impetus.connect(settings)}, then
 * {@code stream(...)}, then {@code fork(Fn::name, arg)} returning a {@link CompletableFuture}
 * of the result. Thread-safe. Close it when done; futures still pending then fail.
 */
public final class Impetus implements AutoCloseable {
    private final ClientSession session;
    private static final Map<java.lang.reflect.Method, JavaType> RETURN_TYPES = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(CompletableFuture<Object> future, JavaType type) {
    }

    private Impetus(ClientSession session) {
        this.session = session;
    }

    /** Connects as a new client with a random id. */
    public static Impetus connect(ConnectionSettings settings) {
        return connect(settings, StreamId.random());
    }

    /** Connects as client {@code clientId}, signing with the key of {@code IMPETUS_SIGNING_KEY(_FILE)} if set. */
    public static Impetus connect(ConnectionSettings settings, String clientId) {
        return connect(settings, clientId, SigningKey.configured());
    }

    /** Connects as client {@code clientId}; jobs are signed and results checked with {@code signingKey} (may be null). */
    public static Impetus connect(ConnectionSettings settings, String clientId, SigningKey signingKey) {
        return new Impetus(new ClientSession(settings, clientId, Map.of(), Clock.systemUTC(), signingKey));
    }

    public String clientId() {
        return session.clientId();
    }

    /** Creates (or reuses) stream {@code id} with {@code properties} and returns a handle to fork into. */
    public Stream stream(String id, Map<String, ?> properties) {
        session.openStream(id, Map.copyOf(properties), sink);
        return new Stream(id);
    }

    private final io.impetus.client.internal.ResultSink sink = new io.impetus.client.internal.ResultSink() {
        @Override
        public void accept(JobEnvelope job, io.impetus.core.broker.Delivery delivery) {
            complete(job, delivery);
        }

        @Override
        public void failed(JobEnvelope asResult, RuntimeException cause) {
            Pending p = pending.remove(asResult.id());
            if (p != null) {
                p.future().completeExceptionally(cause);
            }
        }
    };

    /**
     * A result of a job this client holds no future for: one replayed from the dead letters (the
     * status page or {@code impetus dead replay}: a new job {@code <id>-r1}), or one of an earlier run.
     *
     * @param jobId the job's id
     * @param stream its stream
     * @param name its function's name
     * @param ok true for a result, false for an error
     * @param value the result, or the error as the seed's {@code {"error", "name", ...}}
     */
    public record LateResult(String jobId, String stream, String name, boolean ok,
                             com.fasterxml.jackson.databind.JsonNode value) {
    }

    private volatile java.util.function.Consumer<LateResult> lateResults;

    /** Tells {@code listener} of each {@link LateResult} (on a broker thread: keep it short); without one they are dropped. */
    public void onLateResult(java.util.function.Consumer<LateResult> listener) {
        this.lateResults = listener;
    }

    private void complete(JobEnvelope job, io.impetus.core.broker.Delivery delivery) {
        Pending p = pending.remove(job.id());
        java.util.function.Consumer<LateResult> late = lateResults;
        if (p == null && late != null) {
            try {
                late.accept(new LateResult(job.id(), job.stream(), job.name(), job.status() == JobStatus.READY,
                        job.result()));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Impetus.class).warn("the late-result listener failed on job {}: {}",
                        job.id(), e.toString());
            }
        }
        if (p != null) {
            if (job.status() == JobStatus.READY) {
                try {
                    p.future().complete(Json.mapper().treeToValue(job.result(), p.type()));
                } catch (Exception e) {
                    p.future().completeExceptionally(e);
                }
            } else {
                p.future().completeExceptionally(new JobFailedException(Json.convert(job.result(), ErrorResult.class)));
            }
        }
        if (delivery != null) {
            delivery.ack();
        }
    }

    @Override
    public void close() {
        session.close(pending.isEmpty());
        pending.values().forEach(p -> p.future().completeExceptionally(
                new IllegalStateException("the Impetus client was closed before the job finished")));
    }

    /** A stream to fork jobs into. */
    public final class Stream {
        private final String id;

        private Stream(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /**
         * Forks {@code function(arg)}; the future holds its result, or fails with
         * {@link JobFailedException} (the job failed) or {@link StreamClosedException} (its stream
         * is closed and gone; nothing ran).
         */
        public <A, R> CompletableFuture<R> fork(JobFunction<A, R> function, A arg) {
            return fork(function, arg, ForkOptions.DEFAULTS);
        }

        @SuppressWarnings("unchecked")
        public <A, R> CompletableFuture<R> fork(JobFunction<A, R> function, A arg, ForkOptions options) {
            FunctionRef ref = FunctionRef.of(function);
            CompletableFuture<Object> future = new CompletableFuture<>();
            JavaType type = RETURN_TYPES.computeIfAbsent(ref.method(),
                    m -> Json.mapper().constructType(m.getGenericReturnType()));
            String callback = options.callback() == null ? "result" : options.callback();
            String stream = options.stream() != null ? options.stream() : id;
            try {
                // blocks while the stream's mss jobs are outstanding
                session.fork(new ForkRequest(stream, ref, arg, options.priority(), options.delay(), callback, null),
                        job -> pending.put(job.id(), new Pending(future, type))); // before sending: the result may come back fast
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
            return (CompletableFuture<R>) future;
        }

        /**
         * Forks {@code function(arg)} for every argument, sending them together: jobs of one
         * priority go as few messages (up to 256 jobs each), which costs the broker and the node far
         * less per job than forking them one by one. The futures are in the order of {@code args}.
         */
        public <A, R> List<CompletableFuture<R>> forkAll(JobFunction<A, R> function, List<A> args) {
            return forkAll(function, args, ForkOptions.DEFAULTS);
        }

        /** {@link #forkAll(JobFunction, List)} with the same options for every job. */
        @SuppressWarnings("unchecked")
        public <A, R> List<CompletableFuture<R>> forkAll(JobFunction<A, R> function, List<A> args, ForkOptions options) {
            FunctionRef ref = FunctionRef.of(function);
            JavaType type = RETURN_TYPES.computeIfAbsent(ref.method(),
                    m -> Json.mapper().constructType(m.getGenericReturnType()));
            String callback = options.callback() == null ? "result" : options.callback();
            String stream = options.stream() != null ? options.stream() : id;
            List<ForkRequest> requests = new java.util.ArrayList<>(args.size());
            for (A arg : args) {
                requests.add(new ForkRequest(stream, ref, arg, options.priority(), options.delay(), callback, null));
            }
            List<CompletableFuture<R>> futures = new java.util.ArrayList<>(args.size());
            try {
                session.forkAll(requests, job -> {
                    CompletableFuture<Object> future = new CompletableFuture<>();
                    futures.add((CompletableFuture<R>) (CompletableFuture<?>) future);
                    pending.put(job.id(), new Pending(future, type));
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                while (futures.size() < args.size()) {
                    futures.add(CompletableFuture.failedFuture(e));
                }
            }
            return futures;
        }
    }
}
