package io.impetus.client.internal;

import io.impetus.client.ForkTimeoutException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.loop.DaemonThreads;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to Impetus: opens streams, ships code bundles, forks jobs (the one fork
 * path of {@code Client} and {@code Impetus}, owning the {@code mss} reservation), and receives
 * each stream's results from its own durable results queue into that stream's sink, each job id
 * once. Results that are not valid results for this client are dead-lettered with the reason.
 * Thread-safe.
 *
 * <p>The forks are here; the rest is in its parts, which share one {@link SessionState}:
 * {@link StreamSubscriptions} (opening and closing streams), {@link ResultsReceiver} (what comes on
 * the results queues), {@link JobMaker} (a request made a job), {@link JobSender} (sending and
 * sending again), {@link UnansweredJobs} (cancel, deadline, never sent) and {@link Upkeep} (the
 * periodic checks), all run later on one {@link Timer}.
 */
public final class ClientSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    /** Most {@code create_stream} requests in flight at once when many streams are opened together. */
    public static final int CREATE_PIPELINE = StreamSubscriptions.CREATE_PIPELINE;
    /** How often the client checks that the jobs queues of its outstanding jobs still exist. */
    static final long CHECK_INTERVAL_MS = 2000;

    private final SessionState state;
    private final ScheduledExecutorService executor;
    private final Upkeep upkeep;
    private final JobSender sender;
    private final JobMaker maker;
    private final ResultsReceiver receiver;
    private final StreamSubscriptions streams;
    private final UnansweredJobs unanswered;

    /** What {@link #fork} sent: the job, and how long it waited for the stream's {@code mss}. */
    public record Sent(JobEnvelope job, Duration waited) {
    }

    public ClientSession(SessionOptions options) {
        this(options, Brokers.connect(options.settings(), "impetus client "
                + options.settings().topology().checkClientId(options.clientId())));
    }

    /** A session on {@code broker} (tests hand it a fake one); it closes the broker when closed. */
    public ClientSession(SessionOptions options, Broker broker) {
        Topology topology = options.settings().topology();
        String clientId = topology.checkClientId(options.clientId());
        Reservations reservations = new Reservations(options.maxOutstanding());
        ControlClient control = new ControlClient(broker, topology, ControlClient.DEFAULT_TIMEOUT, options.signingKey());
        this.state = SessionState.of(clientId, options.clock(), options.signingKey(), broker, topology, control,
                new TopologyDeclarer(broker, topology, options.signingKey(), options.clock(), options.resultsExpiry()),
                reservations, new ClientMeters(options.meters(), reservations::total),
                new JobDeadlines(options.jobDeadline(), options.clock()));
        this.executor = Executors.newScheduledThreadPool(2, DaemonThreads.named("impetus-client-retry"));
        Timer later = Timer.dropping(executor);
        this.unanswered = new UnansweredJobs(state);
        this.sender = new JobSender(broker, state.declarer(), control, later, clientId, unanswered::ended, stream -> {
            StreamInfo info = state.streams().get(stream);
            return info == null ? StreamProperties.DEFAULTS : info.properties();
        });
        unanswered.sender(sender);
        this.maker = new JobMaker(state, options.extraJars());
        this.receiver = new ResultsReceiver(state, sender, later);
        this.streams = new StreamSubscriptions(state, receiver, sender, later);
        this.upkeep = new Upkeep(later);
        upkeep.every(CHECK_INTERVAL_MS, "checking the jobs queues of outstanding jobs", sender::check);
        if (state.deadlines().deadline() != null) {
            upkeep.every(CHECK_INTERVAL_MS, "failing jobs past their deadline", this::failOverdue);
        }
    }

    public String clientId() {
        return state.clientId();
    }

    /** Ids already delivered (from the task files of an earlier run with this id). */
    public void alreadyDelivered(Set<String> ids) {
        ids.forEach(state.delivered()::add);
    }

    /**
     * Ids of jobs an earlier run with this client id sent (see {@link ForkJournal}): a fork with one of
     * these ids waits for the result the earlier run's job will bring instead of sending it again.
     */
    public void alreadySent(Set<String> ids) {
        Set<String> sentBefore = state.sentBefore();
        ids.stream().filter(id -> !state.delivered().contains(id)).forEach(sentBefore::add);
        if (!sentBefore.isEmpty()) {
            log.info("an earlier run with client id {} sent {} jobs whose results are not in the task files: the run ends"
                    + " only once each is in (or forked again)", state.clientId(), sentBefore.size());
        }
    }

    /** Told the ids of the jobs the broker confirmed (for the {@link ForkJournal}); never throw from it. */
    public void onSent(Consumer<List<String>> listener) {
        sender.onConfirmed(listener);
    }

    /** Creates or reuses a stream and starts receiving this client's results on it into {@code sink}. */
    public StreamInfo openStream(String stream, Map<String, Object> properties, ResultSink sink) {
        checkOpen(List.of(stream), properties);
        return streams.open(stream, properties, sink);
    }

    /**
     * {@link #openStream} for many streams at once: their {@code create_stream} requests are sent
     * without waiting for each answer (at most {@link #CREATE_PIPELINE} in flight), each signed and
     * checked by the coordinator as one alone; each answered stream is then subscribed, up to
     * {@link StreamSubscriptions#SUBSCRIBE_THREADS} at once. On a
     * failure the streams subscribed so far stay open, and the first failure is thrown, naming its stream;
     * an interrupt ends the call with an {@code ImpetusException}, the thread's interrupt kept. However the
     * call ends, no stream is subscribed after it has returned (see {@link OpenStreams}).
     */
    public List<StreamInfo> openStreams(List<String> streams, Map<String, Object> properties, ResultSink sink) {
        checkOpen(streams, properties);
        return this.streams.openAll(streams, properties, sink);
    }

    /**
     * Refuses, before anything is sent, a stream id whose queue names could pass AMQP's limit with this
     * prefix and a property out of its range: the coordinator refuses the same, later and after a round trip.
     */
    private void checkOpen(List<String> streams, Map<String, Object> properties) {
        streams.forEach(state.topology()::checkStreamId);
        StreamProperties.checkEach(properties);
    }

    /** Tells {@code listener} of each update of this client's running jobs (progress, output); on a broker thread. */
    public void onUpdate(Consumer<JobUpdate> listener) {
        receiver.onUpdate(listener);
    }

    /**
     * The job a schedule runs at each occurrence, signed like any fork but not sent (its code bundle is
     * registered): the coordinator keeps it and gives each run an id of its own. The stream must be open here.
     */
    public JobEnvelope scheduleTemplate(ForkRequest request) {
        return maker.make(request);
    }

    /** A control call made for this client ({@code schedules}), signed where there is a key; the reply's body. */
    public <T> T control(ControlRequest request, Class<T> replyType) {
        return state.control().call(request, replyType);
    }

    /**
     * Forks a job that waits for {@code inputs} (ids of jobs of its stream forked as awaited): the coordinator
     * holds it until they are done and then publishes it with their results as its argument; {@code beforeSend}
     * sees it before it is sent. It counts against {@code mss} like any fork, from now until its result. A
     * refused request (an input of another stream, a cycle) throws, forks nothing and gives the place back.
     */
    public JobEnvelope forkAfter(ForkRequest request, List<String> inputs, String policy,
                                 Consumer<JobEnvelope> beforeSend) throws InterruptedException {
        if (request.id() != null && state.delivered().contains(request.id())) {
            // a rerun forks again what an earlier run forked, and its result is already in: nothing is asked or counted
            return maker.make(request);
        }
        JobEnvelope job = reserveAndMake(request, beforeSend).job();
        try {
            state.control().call(new ControlRequest.ForkAfter(job, List.copyOf(inputs), policy), String.class);
        } catch (RuntimeException e) {
            state.reservations().release(request.stream());
            throw e;
        }
        return job;
    }

    /**
     * Forks one job: waits while the stream's {@code mss} jobs are outstanding, makes the job
     * (registering its code bundle on first use), lets {@code beforeSend} count it (the result
     * may come back before {@code send} returns), and sends it. If anything fails before the
     * job is sent, the reservation is taken back and the failure thrown.
     *
     * @throws ForkTimeoutException when the request's timeout passed first (nothing was sent)
     */
    public Sent fork(ForkRequest request, Consumer<JobEnvelope> beforeSend)
            throws InterruptedException {
        if (request.id() != null && state.delivered().contains(request.id())) {
            // a rerun forks again what an earlier run forked, and its result is already in (task files or backlog)
            log.debug("job {}: its result is already in (an earlier run with this client id); not sent again",
                    request.id());
            return new Sent(maker.make(request), Duration.ZERO);
        }
        Sent made = reserveAndMake(request, beforeSend);
        JobEnvelope job = made.job();
        state.deadlines().sent(job);
        if (state.sentBefore().remove(job.id())) {
            log.debug("job {}: an earlier run with this client id sent it; waiting for its result, not sending it again",
                    job.id());
            sender.adopt(job);
            if (state.delivered().contains(job.id())) { // its result came between the check above and the adoption
                sender.done(job.id());
                state.deadlines().done(job.id());
            }
            return made;
        }
        sender.send(job);
        state.meters().forked(request.stream(), 1);
        return made;
    }

    /** Waits for the job's reservations, makes it and lets {@code beforeSend} count it; on failure the reservation goes back. */
    private Sent reserveAndMake(ForkRequest request, Consumer<JobEnvelope> beforeSend)
            throws InterruptedException {
        Duration waited = state.reservations().reserve(request.stream(), stream(request.stream()).properties().mss(),
                request.timeout());
        try {
            JobEnvelope job = maker.make(request);
            beforeSend.accept(job);
            return new Sent(job, waited);
        } catch (RuntimeException e) {
            state.reservations().release(request.stream());
            throw e;
        }
    }

    /**
     * Forks jobs together (see {@link #fork}): each waits for its {@code mss} reservation and is made
     * as one forked alone, then they are sent as few messages (JobSender.sendAll). Returns what was sent;
     * if making one fails, those made before it are sent and the failure thrown.
     */
    public List<Sent> forkAll(List<ForkRequest> requests, Consumer<JobEnvelope> beforeSend)
            throws InterruptedException {
        List<JobEnvelope> jobs = new ArrayList<>();
        List<Sent> sent = new ArrayList<>(requests.size());
        try {
            for (ForkRequest request : requests) {
                Integer mss = stream(request.stream()).properties().mss();
                // what is made is sent before a reservation could wait for it: never more than mss or the
                // client's outstanding bound held back unsent
                int chunk = Math.min(JobBatch.MAX_ITEMS, Math.min(state.reservations().max(),
                        mss == null ? Integer.MAX_VALUE : mss));
                if (jobs.size() >= chunk) {
                    sender.sendAll(jobs);
                    state.meters().forked(jobs.get(0).stream(), jobs.size());
                    jobs = new ArrayList<>();
                }
                Sent made = reserveAndMake(request, beforeSend);
                state.deadlines().sent(made.job());
                jobs.add(made.job());
                sent.add(made);
            }
        } finally {
            if (!jobs.isEmpty()) {
                sender.sendAll(jobs);
                state.meters().forked(jobs.get(0).stream(), jobs.size());
            }
        }
        return sent;
    }

    /**
     * Whether no result is still to come that this client did not fork in this run: the results
     * queue's backlog at open is delivered, and so is every job an earlier run sent that this run did
     * not fork again (its parent result was already handled; the job may still be running).
     */
    public boolean backlogDrained() {
        return state.backlog().get() == 0 && state.sentBefore().isEmpty();
    }

    public StreamInfo stream(String stream) {
        return state.stream(stream);
    }

    /**
     * One pass of the deadline backstop: every job past its deadline ends as an error result in its
     * stream's sink (its future fails, its stage gets the error), freeing its outstanding place; a
     * result of it that comes later is dropped. Runs every couple of seconds when a deadline is set.
     */
    void failOverdue() {
        unanswered.failOverdue();
    }

    /**
     * Cancels job {@code jobId}, one this client forked whose result has not come: asks the coordinator
     * (a signed request, refused unless this client created the job's stream or the broker user is the
     * admin), then ends the job here as the error {@code cancelled}, at once: its future is cancelled, or
     * its stage gets the error. The nodes stop it (it never starts, or its worker is killed); their own
     * {@code cancelled} result, or a result that was already on its way, is then dropped as a repeat, so
     * the job keeps one outcome.
     *
     * @return false when the job's result came first (nothing was cancelled)
     * @throws IllegalArgumentException when {@code jobId} is not a job of this client still waiting for its result
     * @throws RpcException when the coordinator refuses (not the stream's creator, ...)
     */
    public boolean cancel(String jobId) {
        return unanswered.cancel(jobId);
    }

    /**
     * Whether the broker answers (this session's connection reads the control queue) and the
     * coordinator answers a request within {@code timeout}; never throws.
     *
     * @return {@code null} when both answer, else what did not, in one line
     */
    public String unhealthy(Duration timeout) {
        try {
            if (state.broker().inspect(state.topology().controlQueue()).isEmpty()) {
                return "RabbitMQ answers, but there is no control queue " + state.topology().controlQueue()
                        + ": no coordinator has run with this prefix and vhost";
            }
        } catch (RuntimeException e) {
            return "RabbitMQ does not answer: " + e.getMessage();
        }
        try {
            new ControlClient(state.broker(), state.topology(), timeout, state.signingKey()).call(new ControlRequest.ListStreams(false),
                    StreamInfo[].class);
            return null;
        } catch (RuntimeException e) {
            return "the coordinator does not answer: " + e.getMessage();
        }
    }

    /** Closes a stream: no new jobs; the coordinator removes its queues once drained. Best effort. */
    public void closeStream(String stream) {
        streams.close(stream);
    }

    /** Stops receiving; with {@code finished}, deletes this client's (empty) results queues. */
    public void close(boolean finished) {
        streams.closeAll(finished);
        upkeep.stop();
        executor.shutdownNow();
        state.streams().keySet().forEach(state.meters()::remove);
        state.broker().close();
    }

    @Override
    public void close() {
        close(false);
    }
}
