package io.impetus.client;

import io.impetus.client.internal.ClientSession;
import io.impetus.client.internal.ForkRequest;
import io.impetus.client.internal.FunctionRef;
import io.impetus.client.internal.FutureResults;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What an {@link Impetus.Stream} does: fork into one open stream, and schedule recurring jobs on it.
 * Its own file so that {@code Impetus} stays the connection; users name the type {@code Impetus.Stream}.
 * Thread-safe.
 */
abstract class StreamHandle {
    private final String id;
    private final ClientSession session;
    private final FutureResults futures;
    /** The stream of each job forked in this client that other jobs may wait for (the inputs forkAfter accepts). */
    private final Map<String, String> awaitedStreams;

    StreamHandle(String id, ClientSession session, FutureResults futures, Map<String, String> awaitedStreams) {
        this.id = id;
        this.session = session;
        this.futures = futures;
        this.awaitedStreams = awaitedStreams;
    }

    /** The stream's id. */
    public String id() {
        return id;
    }

    /**
     * Forks {@code function(arg)}; the future holds its result, or fails with
     * {@link JobFailedException} (the job failed) or {@link StreamClosedException} (its stream
     * is closed and gone; nothing ran). Blocks while the stream's {@code mss} or the client's
     * outstanding bound is reached.
     */
    public <A, R> CompletableFuture<R> fork(JobFunction<A, R> function, A arg) {
        return fork(function, arg, ForkOptions.DEFAULTS);
    }

    /** {@link #fork(JobFunction, Object)} with a priority, delay or another stream. */
    public <A, R> CompletableFuture<R> fork(JobFunction<A, R> function, A arg, ForkOptions options) {
        FunctionRef ref = FunctionRef.of(function);
        List<CompletableFuture<R>> future = new ArrayList<>(1);
        try {
            // the future exists before the job is sent: its result may come back fast
            session.fork(request(ref, arg, options), job -> future.add(futures.expect(job.id(), ref)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return future.get(0);
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
    public <A, R> List<CompletableFuture<R>> forkAll(JobFunction<A, R> function, List<A> args, ForkOptions options) {
        FunctionRef ref = FunctionRef.of(function);
        List<ForkRequest> requests = new ArrayList<>(args.size());
        for (A arg : args) {
            requests.add(request(ref, arg, options));
        }
        List<CompletableFuture<R>> all = new ArrayList<>(args.size());
        try {
            session.forkAll(requests, job -> all.add(futures.expect(job.id(), ref)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            while (all.size() < args.size()) {
                all.add(CompletableFuture.failedFuture(e));
            }
        }
        return all;
    }

    /**
     * Forks {@code function(arg)} as a job other jobs may wait for ({@link #forkAfter}): its node also sends its
     * signed result to the coordinator, which counts it for them even when this client is gone.
     */
    public <A, R> Awaited<R> forkAwaited(JobFunction<A, R> function, A arg) {
        return forkAwaited(function, arg, ForkOptions.DEFAULTS);
    }

    /** {@link #forkAwaited(JobFunction, Object)} with a priority, delay or another stream. */
    public <A, R> Awaited<R> forkAwaited(JobFunction<A, R> function, A arg, ForkOptions options) {
        FunctionRef ref = FunctionRef.of(function);
        List<Awaited<R>> forked = new ArrayList<>(1);
        try {
            session.fork(request(ref, arg, options).awaitedByOthers(), job -> {
                awaitedStreams.put(job.id(), job.stream());
                forked.add(new Awaited<>(job.id(), futures.expect(job.id(), ref)));
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while forking", e);
        }
        return forked.get(0);
    }

    /**
     * Forks {@code function} to run once every job of {@code inputs} is done, with the list of their results
     * (in the order of {@code inputs}) as its argument: a fan-in of N, or a link of a chain (it may itself be
     * an input). The inputs are ids of jobs of this stream forked with {@link #forkAwaited} or
     * {@code forkAfter}. The coordinator holds it, not this client: it runs once, whether this client is
     * still there or not, across coordinator fail-overs. {@code policy} says what an input's failure does.
     *
     * @throws RpcException (and forks nothing) when the coordinator refuses it: an input
     *     of another stream, a cycle, a closed stream
     * @throws IllegalArgumentException for no inputs, or an id this client did not fork as awaited
     */
    public <A, R> Awaited<R> forkAfter(List<String> inputs, JobFunction<List<A>, R> function,
                                       FailurePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("forkAfter needs at least one input job id");
        }
        for (String input : inputs) {
            String of = awaitedStreams.get(input);
            if (of == null) {
                throw new IllegalArgumentException("forkAfter: unknown job id '" + input + "': an input must be a"
                        + " job this client forked with forkAwaited or forkAfter");
            }
            if (!of.equals(id)) {
                throw new IllegalArgumentException("forkAfter: input " + input + " is a job of stream '" + of
                        + "', not of '" + id + "': a job waits only for jobs of its own stream");
            }
        }
        FunctionRef ref = FunctionRef.of(function);
        List<Awaited<R>> forked = new ArrayList<>(1);
        ForkRequest request = ForkRequest.of(id, ref, null, ForkOptions.delay(Duration.ZERO), "result", null)
                .awaitedByOthers();
        try {
            session.forkAfter(request, inputs, policy.wireName(),
                    job -> forked.add(new Awaited<>(job.id(), futures.expect(job.id(), ref))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while forking", e);
        } catch (RuntimeException e) {
            forked.forEach(a -> futures.failed(a.jobId(), e));
            throw e;
        }
        awaitedStreams.put(forked.get(0).jobId(), id);
        return forked.get(0);
    }

    /**
     * Creates or replaces (by {@code id}) a recurring job on this stream: {@code function(arg)} runs at each
     * occurrence of {@code cron} (five fields: minute hour day-of-month month day-of-week) in {@code zone} (an
     * IANA id, or UTC), fired by the active coordinator — not by this client, which may go away — one job per
     * occurrence across coordinator fail-overs. Its results go to the schedule's own bounded results queue
     * ({@link Schedules#results}). Replacing it with the same cron and zone keeps its next occurrence, so a
     * client that schedules at every start changes nothing. Only the stream's creator or the admin may.
     *
     * @throws RpcException (and changes nothing) for a cron the coordinator cannot read
     *     (six fields where five are meant, a bad field), an unknown zone, a bad id, a stranger's stream
     */
    public <A, R> ScheduleInfo schedule(String scheduleId, String cron, String zone,
                                        JobFunction<A, R> function, A arg, ScheduleOptions options) {
        ScheduleSpec.checkId(scheduleId);
        ScheduleSpec spec = options.spec(cron, zone);
        ForkOptions fork = options.priority() == null ? ForkOptions.DEFAULTS : ForkOptions.priority(options.priority());
        JobEnvelope template = session.scheduleTemplate(
                ForkRequest.of(id, FunctionRef.of(function), arg, fork, "result", null));
        return session.control(new ControlRequest.Schedules("upsert", scheduleId, id, spec,
                template, session.clientId(), 0), ScheduleInfo.class);
    }

    /** {@link #schedule(String, String, String, JobFunction, Object, ScheduleOptions)} with the default options. */
    public <A, R> ScheduleInfo schedule(String scheduleId, String cron, String zone,
                                        JobFunction<A, R> function, A arg) {
        return schedule(scheduleId, cron, zone, function, arg, ScheduleOptions.DEFAULTS);
    }

    private ForkRequest request(FunctionRef ref, Object arg, ForkOptions options) {
        return ForkRequest.of(options.stream().orElse(id), ref, arg, options, options.callback().orElse("result"),
                null);
    }
}
