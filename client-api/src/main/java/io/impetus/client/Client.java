package io.impetus.client;

import io.impetus.client.internal.ClientSession;
import io.impetus.client.internal.ForkIds;
import io.impetus.client.internal.ForkJournal;
import io.impetus.client.internal.ForkRequest;
import io.impetus.client.internal.FunctionRef;
import io.impetus.client.internal.Pipeline;
import io.impetus.client.internal.SessionOptions;
import io.impetus.client.internal.Stage;
import io.impetus.client.internal.StageMethods;
import io.impetus.client.internal.TaskFiles;
import io.impetus.core.broker.Broker;
import io.impetus.core.config.OptionCheck;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.stream.StreamId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed's client, for Java: subclass it, mark static job functions {@link Node @Node} and
 * the stages {@link Startup @Startup}, {@link Process @Process} and {@link Shutdown @Shutdown},
 * then call {@link #run()}. Stages run in declaration order, each in its own thread; a job's
 * result goes to the next declared stage unless {@link ForkOptions#callback()} names one.
 *
 * <p>{@code fork} may be called from any stage thread; it is thread-safe. A client instance
 * runs once. When its stream is its own (the stream id is the client id, the default), a client
 * that finishes cleanly closes the stream; a shared stream stays open.
 */
public abstract class Client {
    private final ClientOptions options;
    private ClientSession session;
    private Pipeline pipeline;
    private ForkIds forkIds;
    /** The stream of each job forked here that other jobs may wait for (the inputs forkAfter accepts). */
    private final Map<String, String> awaited = new ConcurrentHashMap<>();

    /** A client that runs with {@code options} (see {@link ClientOptions#builder()}). */
    protected Client(ClientOptions options) {
        this.options = options;
    }

    /** This client's id (the seed's "My Id"). */
    public final String id() {
        return options.clientId();
    }

    /** How this client runs. */
    public final ClientOptions options() {
        return options;
    }

    /**
     * Connects, opens the stream, runs every stage to completion and disconnects.
     *
     * @return the counts of every stage
     * @throws ClientFailedException when a stage threw: the run stopped, the shutdown stage did
     *     not run, and the stream and results queues were kept for a rerun with the same id
     */
    public final Progress run() {
        return run(null);
    }

    /** {@link #run()} on {@code broker} (a test's fake), or on a new connection when it is {@code null}. */
    final Progress run(Broker broker) {
        List<Stage> stages = StageMethods.of(getClass());
        options.out().println("My Id: " + id());
        TaskFiles files = new TaskFiles(options.taskDir(), id(), stages.stream()
                .filter(s -> s.kind() != Stage.Kind.SHUTDOWN).map(Stage::name).toList());
        forkIds = new ForkIds(id(), ForkIds.secret(files.directory()));
        SessionOptions sessionOptions = new SessionOptions(options.settings(), id(), options.extraJars(),
                options.clock(), options.signingKey(), options.maxOutstanding(), null, options.jobDeadline(),
                options.resultsExpiry());
        session = broker == null ? new ClientSession(sessionOptions) : new ClientSession(sessionOptions, broker);
        session.onUpdate(u -> onProgress(Progresses.of(u)));
        ForkJournal journal = new ForkJournal(files.directory());
        boolean finished = false;
        try {
            session.alreadyDelivered(TaskFiles.deliveredIds(options.taskDir(), id()));
            session.alreadySent(ForkJournal.read(files.directory()));
            session.onSent(journal::sent);
            pipeline = new Pipeline(stages, this, files, options.out(), options.clock(), options.progressInterval(),
                    Job::new);
            session.openStream(options.stream(), options.streamProperties(), pipeline::deliver);
            pipeline.awaitBacklog(session::backlogDrained);
            Progress progress = pipeline.run();
            if (progress.failed()) {
                // the stream and the results queues stay for a rerun with this id
                throw new ClientFailedException(id(), progress);
            }
            finished = true;
            if (options.stream().equals(id())) {
                session.closeStream(options.stream()); // a private stream (the seed's default) ends with its client
            }
            return progress;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImpetusException("client " + id() + " interrupted", e);
        } finally {
            session.close(finished);
            journal.close();
            files.close();
        }
    }

    /**
     * {@link #run()} as a program's {@code main} runs it: what stops the run — the coordinator
     * refusing this client's signing key, a broker that cannot be reached, a stage that threw — is
     * one line on standard error ({@code <class>: <why>}) and exit status 1, not a stack trace.
     * Returns normally when the run succeeded.
     *
     * @return the counts of every stage
     */
    public final Progress runAsMain() {
        try {
            return run();
        } catch (ImpetusException e) {
            System.err.println(getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
            throw e; // not reached
        }
    }

    /** Forks {@code function(arg)} as a job; its result goes to the next stage. Returns the job id. */
    protected final <A, R> String fork(JobFunction<A, R> function, A arg) {
        return fork(function, arg, ForkOptions.DEFAULTS);
    }

    /** Forks with a priority, delay or callback stage. */
    protected final <A, R> String fork(JobFunction<A, R> function, A arg, ForkOptions fork) {
        return fork(FunctionRef.of(function), arg, fork);
    }

    /** Forks the {@code @Node} function of this class named {@code name}, as the seed did. */
    protected final String fork(String name, Object arg) {
        return fork(name, arg, ForkOptions.DEFAULTS);
    }

    /** Forks the {@code @Node} function named {@code name} with a priority, delay or callback stage. */
    protected final String fork(String name, Object arg, ForkOptions fork) {
        FunctionRef ref = FunctionRef.of(getClass(), name);
        if (!ref.method().isAnnotationPresent(Node.class)) {
            throw new IllegalArgumentException(getClass().getName() + "." + name + " is not marked @Node");
        }
        return fork(ref, arg, fork);
    }

    /**
     * Forks like {@link #fork(JobFunction, Object, ForkOptions)}, but waits at most {@code timeout}
     * while the stream's {@code mss} jobs are outstanding.
     *
     * @return the job id and how long it waited
     * @param timeout 0 (do not wait) up to a year ({@link ForkOptions#MAX_DELAY})
     * @throws ForkTimeoutException if the timeout passed first (nothing was sent)
     */
    protected final <A, R> Forked forkWithin(JobFunction<A, R> function, A arg, ForkOptions fork, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        OptionCheck.require(!timeout.isNegative() && timeout.compareTo(ForkOptions.MAX_DELAY) <= 0, "the fork's timeout",
                "between 0 and 366 days", timeout, "forkWithin(function, arg, options, Duration.ofSeconds(n))");
        return send(FunctionRef.of(function), arg, fork, timeout);
    }

    private String fork(FunctionRef ref, Object arg, ForkOptions fork) {
        return send(ref, arg, fork, null).jobId();
    }

    /**
     * Forks {@code function(arg)} as a job other jobs may wait for ({@link #forkAfter}); its result also goes to the
     * next stage (or {@link ForkOptions#callback()}'s) as any job's. Its node sends its signed result to the
     * coordinator too, which counts it for the jobs waiting for it even when this client is gone. Returns the job id.
     */
    protected final <A, R> String forkAwaited(JobFunction<A, R> function, A arg) {
        return forkAwaited(function, arg, ForkOptions.DEFAULTS);
    }

    /** {@link #forkAwaited(JobFunction, Object)} with a priority, delay, callback stage or another stream. */
    protected final <A, R> String forkAwaited(JobFunction<A, R> function, A arg, ForkOptions fork) {
        FunctionRef ref = FunctionRef.of(function);
        if (pipeline == null) {
            throw new IllegalStateException("forkAwaited is for the stages of a running client; call run() first");
        }
        Stage to = pipeline.callbackFor(fork.callback().orElse(null));
        String stream = fork.stream().orElse(options.stream());
        try {
            String jobId = forkIds.next(pipeline.forkParent(), pipeline.forkingStage(), stream, to.name(), ref.id(), arg);
            session.fork(ForkRequest.of(stream, ref, arg, fork, to.name(), null).withId(jobId).awaitedByOthers(),
                    job -> pipeline.forked(job.id(), to));
            awaited.put(jobId, stream);
            return jobId;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImpetusException("fork interrupted while waiting for the stream's mss back-pressure", e);
        }
    }

    /**
     * Forks {@code function} to run once every job of {@code inputs} is done, with the list of their results (in the
     * order of {@code inputs}) as its argument: a fan-in, or a link of a chain (it may itself be an input). The inputs
     * are ids this client got from {@link #forkAwaited} or {@code forkAfter}, of jobs of one stream, which is the
     * dependant's too. The coordinator holds it, not this client: it runs once, whether this client is still there or
     * not, across coordinator fail-overs. Its result goes to the next stage (or {@code callback}'s). {@code policy}
     * says what an input's failure does. A rerun with the same client id forks the same id again, which changes
     * nothing. Returns the job id.
     *
     * @throws IllegalArgumentException for no inputs, an id this client did not fork as awaited, or inputs of two streams
     * @throws RpcException (and forks nothing) when the coordinator refuses it: an input of
     *     another stream, a cycle, a closed stream
     */
    protected final <A, R> String forkAfter(List<String> inputs, JobFunction<List<A>, R> function,
                                            FailurePolicy policy) {
        return forkAfter(inputs, function, policy, null);
    }

    /** {@link #forkAfter(List, JobFunction, FailurePolicy)} whose result goes to stage {@code callback}. */
    protected final <A, R> String forkAfter(List<String> inputs, JobFunction<List<A>, R> function,
                                            FailurePolicy policy, String callback) {
        Objects.requireNonNull(policy, "policy");
        if (pipeline == null) {
            throw new IllegalStateException("forkAfter is for the stages of a running client; call run() first");
        }
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("forkAfter needs at least one input job id");
        }
        String stream = null;
        for (String input : inputs) {
            String of = awaited.get(input);
            if (of == null) {
                throw new IllegalArgumentException("forkAfter: unknown job id '" + input + "': an input must be a job"
                        + " this client forked with forkAwaited or forkAfter");
            }
            if (stream != null && !stream.equals(of)) {
                throw new IllegalArgumentException("forkAfter: input " + input + " is a job of stream '" + of
                        + "', not of '" + stream + "': a job waits only for jobs of its own stream");
            }
            stream = of;
        }
        FunctionRef ref = FunctionRef.of(function);
        Stage to = pipeline.callbackFor(callback);
        try {
            String jobId = forkIds.next(pipeline.forkParent(), pipeline.forkingStage(), stream, to.name(), ref.id(),
                    inputs);
            boolean[] made = new boolean[1];
            session.forkAfter(ForkRequest.of(stream, ref, null, ForkOptions.delay(Duration.ZERO), to.name(), null)
                    .withId(jobId).awaitedByOthers(), inputs, policy.wireName(), job -> made[0] = true);
            if (made[0]) { // counted once the coordinator holds it: a refused one is not waited for (a result first is)
                pipeline.forked(jobId, to);
            }
            awaited.put(jobId, stream);
            return jobId;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImpetusException("forkAfter interrupted while waiting for the stream's mss back-pressure", e);
        }
    }

    private Forked send(FunctionRef ref, Object arg, ForkOptions fork, Duration timeout) {
        if (pipeline == null) {
            throw new IllegalStateException("fork is for the stages of a running client; call run() first");
        }
        Stage to = pipeline.callbackFor(fork.callback().orElse(null));
        String stream = fork.stream().orElse(options.stream());
        try {
            String jobId = forkIds.next(pipeline.forkParent(), pipeline.forkingStage(), stream, to.name(), ref.id(), arg);
            ClientSession.Sent sent = session.fork(ForkRequest.of(stream, ref, arg, fork, to.name(), timeout)
                    .withId(jobId), job -> pipeline.forked(job.id(), to));
            return new Forked(sent.job().id(), sent.waited());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImpetusException("fork interrupted while waiting for the stream's mss back-pressure", e);
        }
    }

    /**
     * Opens another stream for this client's jobs (creating it with {@code properties}, or
     * joining it and updating them), so that {@link ForkOptions#withStream} can fork into it.
     * Results of its jobs come back to this client's stages like any others. Each stream keeps
     * its own queue, priority, pacing and rate: a crawler opens one per site so that each site
     * gets its own politeness {@code maxRate}. A stream opened here stays open when the client
     * finishes, as a shared stream does; {@link #closeStream} closes it.
     */
    protected final void openStream(String stream, StreamProperties properties) {
        openStream(stream, properties.toMap());
    }

    /** {@link #openStream(String, StreamProperties)} with the seed's loose properties ({@code "maxRate", 25}). */
    protected final void openStream(String stream, Map<String, ?> properties) {
        if (pipeline == null) {
            throw new IllegalStateException("openStream is for the stages of a running client; call run() first");
        }
        session.openStream(StreamId.check("stream", stream), new LinkedHashMap<String, Object>(properties),
                pipeline::deliver);
    }

    /**
     * Called with each update of this client's running jobs: the progress a job reported with
     * {@link JobContext#progress} and what it printed since its last update. Does nothing unless
     * overridden. Runs on a broker thread, so keep it short; updates are best effort (a listener may
     * miss some, never a result), and none comes for a job once its result is in.
     */
    protected void onProgress(JobProgress progress) {
    }

    /**
     * Cancels job {@code jobId}, one this client forked whose result has not come: the coordinator is
     * asked (a signed request), every node stops it (it never starts, or its worker is killed within a
     * second), and its callback stage gets it at once as an error job whose error is {@code cancelled}.
     * A result that comes later is dropped, so the job keeps one outcome. Only the client that created
     * the job's stream, or the admin, may cancel. Callable from any thread while the client runs.
     *
     * @return false when the job's result came first (nothing was cancelled)
     * @throws IllegalArgumentException when {@code jobId} is not a job of this client waiting for its result
     * @throws ImpetusException when the coordinator refuses or does not answer
     */
    public final boolean cancel(String jobId) {
        if (session == null) {
            throw new IllegalStateException("cancel is for a running client; call run() first");
        }
        return session.cancel(jobId);
    }

    /** The installation's recurring jobs (see {@code Impetus.Stream#schedule}); while this client runs. */
    public final Schedules schedules() {
        if (session == null) {
            throw new IllegalStateException("schedules is for a running client; call run() first");
        }
        return new Schedules(session);
    }

    /** Closes a stream: it takes no more jobs, and its queues go once they are drained. */
    protected final void closeStream(String stream) {
        if (session == null) {
            throw new IllegalStateException("closeStream is for the stages of a running client; call run() first");
        }
        session.closeStream(stream);
    }
}
