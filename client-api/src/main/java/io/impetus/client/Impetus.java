package io.impetus.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.client.internal.ClientEnvironment;
import io.impetus.client.internal.ClientSession;
import io.impetus.client.internal.FutureResults;
import io.impetus.client.internal.JobFuture;
import io.impetus.client.internal.SessionOptions;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamId;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The plain API, without subclassing: connect, open a {@link Stream}, fork job functions into it
 * and get each result as a {@link CompletableFuture}.
 *
 * <pre>{@code
 * try (Impetus impetus = Impetus.connect()) {                  // settings from the environment
 *     Impetus.Stream squares = impetus.stream("squares");
 *     long nine = squares.fork(Squares::square, 3L).get();
 * }
 * }</pre>
 *
 * <p>Thread-safe: fork from any thread. A future completes on a broker thread; keep its callbacks
 * short (a fork made there is allowed and never waits for the outstanding bound). Results arrive
 * at least once from the broker and complete each future exactly once. Close it when done: the
 * futures still pending then fail with {@link IllegalStateException}; closing twice is harmless.
 *
 * <p>{@code future.cancel(true)} on a future {@code fork} returned cancels the job: it never starts, or
 * its worker is stopped; only the stream's creator (or the admin) may, see {@link #cancel(String)}.
 */
public final class Impetus implements AutoCloseable {
    private final ClientSession session;
    private final FutureResults futures;
    /** The stream of each job forked here that other jobs may wait for (the inputs forkAfter accepts). */
    private final Map<String, String> awaitedStreams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Impetus(ClientSession session) {
        this.session = session;
        this.futures = new FutureResults(session::cancel);
    }

    /**
     * Connects as a new client with a random id, with the settings of this process:
     * {@code IMPETUS_RABBITMQ_URI} (and {@code IMPETUS_AUTHKEY}, {@code IMPETUS_VHOST},
     * {@code IMPETUS_PREFIX}), then the config file ({@code IMPETUS_CONFIG}, else
     * {@code ./impetus.properties}), then the defaults; the signing key of
     * {@code IMPETUS_SIGNING_KEY(_FILE)}, if set.
     */
    public static Impetus connect() {
        return builder().connect();
    }

    /** Connects as a new client with a random id. */
    public static Impetus connect(ConnectionSettings settings) {
        return builder().settings(settings).connect();
    }

    /** Connects as client {@code clientId}, signing with the key of {@code IMPETUS_SIGNING_KEY(_FILE)} if set. */
    public static Impetus connect(ConnectionSettings settings, String clientId) {
        return builder().settings(settings).clientId(clientId).connect();
    }

    /** Connects as client {@code clientId}; jobs are signed and results checked with {@code signingKey} (may be null). */
    public static Impetus connect(ConnectionSettings settings, String clientId, SigningKey signingKey) {
        return builder().settings(settings).clientId(clientId).signingKey(signingKey).connect();
    }

    /** Every choice of how to connect, each defaulting as {@link #connect()} does. */
    public static Builder builder() {
        return new Builder();
    }

    /** The installation's recurring jobs: list, show, pause, resume, trigger, delete, results. */
    public Schedules schedules() {
        return new Schedules(session);
    }

    /** This client's id: results of its jobs come back to it; connect again with it to pick them up after a crash. */
    public String clientId() {
        return session.clientId();
    }

    /** Creates (or joins) stream {@code id}, keeping its properties if it exists, and returns a handle to fork into. */
    public Stream stream(String id) {
        return stream(id, StreamProperties.DEFAULTS);
    }

    /** Creates (or joins and updates) stream {@code id} with {@code properties}. */
    public Stream stream(String id, StreamProperties properties) {
        return stream(id, properties.toMap());
    }

    /** Creates (or joins and updates) stream {@code id} with the seed's loose properties ({@code "maxRate", 25}). */
    public Stream stream(String id, Map<String, ?> properties) {
        StreamId.check("stream", id);
        session.openStream(id, new LinkedHashMap<>(properties), futures);
        return new Stream(id, session, futures, awaitedStreams);
    }

    /**
     * Creates (or joins) every stream of {@code ids} with the same {@code properties}, as
     * {@link #stream(String, Map)} does one by one, but without waiting for each answer before
     * asking for the next: a crawler opening a stream per site opens hundreds in the time of a few.
     * Each request is signed and checked as one alone. On a failure, the streams before it are
     * open, and calling again with the same ids joins them.
     *
     * @return the streams, in the order of {@code ids}
     */
    public List<Stream> streams(List<String> ids, Map<String, ?> properties) {
        ids.forEach(id -> StreamId.check("stream", id));
        session.openStreams(ids, new LinkedHashMap<>(properties), futures);
        return ids.stream().map(id -> new Stream(id, session, futures, awaitedStreams)).toList();
    }

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
    public record LateResult(String jobId, String stream, String name, boolean ok, JsonNode value) {
    }

    /** Tells {@code listener} of each {@link LateResult} (on a broker thread: keep it short); without one they are dropped. */
    public void onLateResult(Consumer<LateResult> listener) {
        futures.onLateResult(listener);
    }

    /**
     * Whether this client can work: RabbitMQ answers on its connection and the coordinator answers
     * a request within {@code timeout}. Never throws; safe to call from any thread, often.
     */
    public Health health(Duration timeout) {
        if (closed) {
            return new Health(false, "this client is closed");
        }
        String problem = session.unhealthy(timeout);
        return problem == null ? new Health(true, "RabbitMQ and the coordinator answer") : new Health(false, problem);
    }

    /**
     * What {@link #health} found.
     *
     * @param up whether RabbitMQ and the coordinator both answered
     * @param detail what answered, or what did not and why
     */
    public record Health(boolean up, String detail) {
    }

    /**
     * Cancels job {@code jobId}, one this client forked whose result has not come: the coordinator is
     * asked (a signed request), every node stops it (it never starts, or its worker is killed within a
     * second), and its future is cancelled at once. Only the client that created the job's stream, or
     * the admin, may cancel. The same as {@code future.cancel(true)} on the job's future.
     *
     * @return false when the job's result came first (nothing was cancelled)
     * @throws IllegalArgumentException when {@code jobId} is not a job of this client waiting for its result
     * @throws io.impetus.core.error.ImpetusException when the coordinator refuses or does not answer
     */
    public boolean cancel(String jobId) {
        return session.cancel(jobId);
    }

    /**
     * Tells {@code listener} of each update of this client's running jobs: the progress a job reported
     * with {@link JobContext#progress} and what it printed since its last update ({@code null} stops
     * them). The listener runs on a broker thread: keep it short. Updates are best effort (a listener may
     * miss some, never a result), and none comes for a job once its future is done.
     */
    public void onProgress(Consumer<JobProgress> listener) {
        session.onUpdate(listener == null ? null : u -> listener.accept(Progresses.of(u)));
    }

    /**
     * The id of the job behind {@code future}, one that {@code fork} or {@code forkAll} returned (for
     * {@link #cancel(String)}, {@code impetus cancel}, {@code impetus job}, or a log line).
     *
     * @throws IllegalArgumentException when {@code future} is not a fork's own future (a stage made from one, say)
     */
    public static String jobId(Future<?> future) {
        if (future instanceof JobFuture<?> job) {
            return job.jobId();
        }
        throw new IllegalArgumentException("not the future of a forked job (a stage made from one has no job of its own): "
                + future);
    }

    /** Disconnects; futures still pending fail with {@link IllegalStateException}. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        session.close(futures.isEmpty());
        futures.failAll(new IllegalStateException("the Impetus client was closed before the job finished"));
    }

    /**
     * A stream to fork jobs into ({@link StreamHandle} holds what it does); thread-safe.
     */
    public static final class Stream extends StreamHandle {
        private Stream(String id, ClientSession session, FutureResults futures, Map<String, String> awaitedStreams) {
            super(id, session, futures, awaitedStreams);
        }
    }

    /**
     * How to connect: each setting given here beats the environment, which beats the config file,
     * which beats the defaults ({@code amqp://impetus:impetus@localhost:5672/}, prefix
     * {@code impetus}). {@link #connect()} validates and connects. Not thread-safe; reusable.
     */
    public static final class Builder {
        private final Map<String, String> explicit = new HashMap<>();
        private ConnectionSettings settings;
        private String clientId;
        private SigningKey signingKey;
        private boolean signingKeySet;
        private Integer maxOutstanding;
        private MeterRegistry meters;
        private Clock clock = Clock.systemUTC();
        private Duration jobDeadline;
        private boolean jobDeadlineSet;
        private Duration resultsExpiry;

        private Builder() {
        }

        /** The broker's URI, or a comma-separated list of one cluster's ({@code amqp://user:pass@host:5672/vhost}). */
        public Builder uri(String uri) {
            return layer("uri", uri);
        }

        /** The broker user (default {@code impetus}). */
        public Builder user(String user) {
            return layer("user", user);
        }

        /** The broker password (the seed's authkey; default {@code impetus}). */
        public Builder password(String password) {
            return layer("authkey", password);
        }

        /** Reads the broker password from {@code file} (its first line). */
        public Builder passwordFile(Path file) {
            return layer("authkey", SettingsResolver.readSecret(file, "password file"));
        }

        /** The broker vhost (default {@code /}). */
        public Builder vhost(String vhost) {
            return layer("vhost", vhost);
        }

        /** The installation's name prefix (default {@code impetus}): its queues are {@code PREFIX.…}. */
        public Builder prefix(String prefix) {
            return layer("prefix", prefix);
        }

        /** Every broker setting at once; the environment and config file are then not read. */
        public Builder settings(ConnectionSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** This client's id (default: a random one); reuse it to pick up results that came while away. */
        public Builder clientId(String clientId) {
            this.clientId = StreamId.check("client", clientId);
            return this;
        }

        /** The installation's signing key; {@code null} for an installation that signs nothing. */
        public Builder signingKey(SigningKey key) {
            this.signingKey = key;
            this.signingKeySet = true;
            return this;
        }

        /** Reads the installation's signing key from {@code file} (as {@code impetus keygen} wrote it). */
        public Builder signingKeyFile(Path file) {
            return signingKey(SigningKey.fromFile(file));
        }

        /** Most jobs outstanding in all before {@code fork} waits (default {@code IMPETUS_MAX_OUTSTANDING}, else 10,000). */
        public Builder maxOutstanding(int jobs) {
            if (jobs < 1) {
                throw new IllegalArgumentException("maxOutstanding must be at least 1 job, was " + jobs);
            }
            this.maxOutstanding = jobs;
            return this;
        }

        /** Where the client's meters go ({@code impetus.client.*}); default none. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = registry;
            return this;
        }

        /**
         * How long after it is due a job's result may take before its future fails with
         * {@link ResultDeadlineException} and its outstanding place is freed; {@code null} for none.
         * Default {@code IMPETUS_JOB_DEADLINE} ({@code 10m}, {@code 2h}, {@code off}), else none.
         */
        public Builder jobDeadline(Duration deadline) {
            this.jobDeadline = deadline;
            this.jobDeadlineSet = true;
            return this;
        }

        /**
         * How long this client's results queues stay unused before RabbitMQ deletes them; zero for
         * never. Default {@code IMPETUS_RESULTS_EXPIRY} ({@code 7d}, {@code off}), else 7 days.
         */
        public Builder resultsExpiry(Duration expiry) {
            if (expiry.isNegative()) {
                throw new IllegalArgumentException("resultsExpiry must not be negative (zero for never), was " + expiry);
            }
            this.resultsExpiry = expiry;
            return this;
        }

        /** The time source of the jobs' timestamps and of the job deadline (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The broker settings these choices resolve to. */
        public ConnectionSettings resolveSettings() {
            return settings != null ? settings : SettingsResolver.configured(explicit);
        }

        /** Connects; throws an {@code ImpetusException} that says what to do when the broker refuses. */
        public Impetus connect() {
            SigningKey key = signingKeySet ? signingKey : SigningKey.configured();
            ClientEnvironment env = ClientEnvironment.current(); // read here, once, and passed in
            int max = maxOutstanding != null ? maxOutstanding : env.maxOutstandingOrDefault();
            Duration deadline = jobDeadlineSet ? jobDeadline : env.jobDeadlineOrNone();
            Duration expiry = resultsExpiry != null ? resultsExpiry
                    : env.resultsExpiryOr(ClientOptions.DEFAULT_RESULTS_EXPIRY);
            return new Impetus(new ClientSession(new SessionOptions(resolveSettings(),
                    clientId != null ? clientId : StreamId.random(), Map.of(), clock, key, max, meters,
                    deadline == null || deadline.isZero() ? null : deadline, expiry)));
        }

        private Builder layer(String key, String value) {
            Objects.requireNonNull(value, key);
            if (value.isBlank()) {
                throw new InvalidPropertyException(key, "the broker's " + key + " must not be blank");
            }
            explicit.put(key, value);
            return this;
        }
    }
}
