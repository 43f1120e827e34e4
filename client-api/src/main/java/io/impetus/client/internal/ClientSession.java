package io.impetus.client.internal;

import io.impetus.client.ForkTimeoutException;
import io.impetus.client.ResultDeadlineException;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.Subscription;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.job.JobStatus;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamId;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connection to Impetus: opens streams, ships code bundles, forks jobs (the one fork
 * path of {@code Client} and {@code Impetus}, owning the {@code mss} reservation), and receives
 * each stream's results from its own durable results queue into that stream's sink, each job id
 * once. Results that are not valid results for this client are dead-lettered with the reason.
 * Thread-safe.
 */
public final class ClientSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    static final int RESULTS_PREFETCH = 500;
    /** Most {@code create_stream} requests in flight at once when many streams are opened together. */
    public static final int CREATE_PIPELINE = 64;
    /** How often the client checks that the jobs queues of its outstanding jobs still exist. */
    static final long CHECK_INTERVAL_MS = 2000;

    private final String clientId;
    private final Clock clock;
    private final Topology topology;
    private final WireCodec wire = WireCodec.standard();
    private final Broker broker;
    private final ControlClient control;
    private final TopologyDeclarer declarer;
    private final JobSender sender;
    private final Map<String, StreamInfo> streams = new ConcurrentHashMap<>();
    private final Map<String, ResultSink> sinks = new ConcurrentHashMap<>();
    private final Map<Class<?>, CodeBundle> bundles = new ConcurrentHashMap<>();
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final IdSet delivered = new IdSet();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService retries;
    private final Map<String, byte[]> extraJars;
    private final AtomicLong backlog = new AtomicLong();
    private final Reservations reservations;
    private final ClientMeters meters;
    private final Set<String> subscribedStreams = ConcurrentHashMap.newKeySet();
    private final SigningKey signingKey;
    /** {@code _lost} notices believed within the freshness window: an exact copy published again is not. */
    private final ReplayGuard lostNotices;
    private final JobDeadlines deadlines;
    /** Ids of jobs an earlier run with this client id sent (its fork journal): adopted, not sent again. */
    private final Set<String> sentBefore = ConcurrentHashMap.newKeySet();

    /** What {@link #fork} sent: the job, and how long it waited for the stream's {@code mss}. */
    public record Sent(JobEnvelope job, Duration waited) {
    }

    public ClientSession(SessionOptions options) {
        this(options, Brokers.connect(options.settings(), "impetus client "
                + StreamId.check("client", options.clientId())));
    }

    /** A session on {@code broker} (tests hand it a fake one); it closes the broker when closed. */
    public ClientSession(SessionOptions options, Broker broker) {
        this.signingKey = options.signingKey();
        this.clientId = StreamId.check("client", options.clientId());
        this.clock = options.clock();
        this.lostNotices = new ReplayGuard(clock);
        this.topology = options.settings().topology();
        this.extraJars = options.extraJars();
        this.reservations = new Reservations(options.maxOutstanding());
        this.meters = new ClientMeters(options.meters(), reservations::total);
        this.deadlines = new JobDeadlines(options.jobDeadline(), clock);
        this.broker = broker;
        this.control = new ControlClient(broker, topology, ControlClient.DEFAULT_TIMEOUT, signingKey);
        this.declarer = new TopologyDeclarer(broker, topology, signingKey, clock, options.resultsExpiry());
        this.retries = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "impetus-client-retry");
            t.setDaemon(true);
            return t;
        });
        this.sender = new JobSender(broker, declarer, control, retries, this.clientId, this::endedWithoutResult,
                stream -> {
                    StreamInfo info = streams.get(stream);
                    return info == null ? StreamProperties.DEFAULTS : info.properties();
                });
        retries.scheduleWithFixedDelay(sender::check, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        if (deadlines.deadline() != null) {
            retries.scheduleWithFixedDelay(this::failOverdue, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    public String clientId() {
        return clientId;
    }

    /** Ids already delivered (from the task files of an earlier run with this id). */
    public void alreadyDelivered(Set<String> ids) {
        ids.forEach(delivered::add);
    }

    /**
     * Ids of jobs an earlier run with this client id sent (see {@link ForkJournal}): a fork with one of
     * these ids waits for the result the earlier run's job will bring instead of sending it again.
     */
    public void alreadySent(Set<String> ids) {
        ids.stream().filter(id -> !delivered.contains(id)).forEach(sentBefore::add);
        if (!sentBefore.isEmpty()) {
            log.info("an earlier run with client id {} sent {} jobs whose results are not in the task files: the run ends"
                    + " only once each is in (or forked again)", clientId, sentBefore.size());
        }
    }

    /** Told the ids of the jobs the broker confirmed (for the {@link ForkJournal}); never throw from it. */
    public void onSent(Consumer<List<String>> listener) {
        sender.onConfirmed(listener);
    }

    /** Creates or reuses a stream and starts receiving this client's results on it into {@code sink}. */
    public StreamInfo openStream(String stream, Map<String, Object> properties, ResultSink sink) {
        CreateStreamResult created = control.call(new ControlRequest.CreateStream(stream, properties, clientId),
                CreateStreamResult.class);
        return subscribe(stream, created, sink);
    }

    /**
     * {@link #openStream} for many streams at once: their {@code create_stream} requests are sent
     * without waiting for each answer (at most {@link #CREATE_PIPELINE} in flight), each signed and
     * checked by the coordinator as one alone; each answered stream is then subscribed in turn. On a
     * failure the streams subscribed so far stay open, and the first failure is thrown.
     */
    public List<StreamInfo> openStreams(List<String> streams, Map<String, Object> properties, ResultSink sink) {
        List<StreamInfo> out = new ArrayList<>(streams.size());
        ArrayDeque<Map.Entry<String, CompletableFuture<ControlReply>>> inFlight = new ArrayDeque<>();
        RuntimeException failed = null;
        for (int i = 0; i < streams.size() || !inFlight.isEmpty(); ) {
            if (i < streams.size() && inFlight.size() < CREATE_PIPELINE && failed == null) {
                String stream = streams.get(i++);
                inFlight.add(Map.entry(stream, control.send(new ControlRequest.CreateStream(stream, properties, clientId))));
                continue;
            }
            if (i < streams.size() && failed != null) {
                i = streams.size(); // send no more; wait for those in flight
            }
            Map.Entry<String, CompletableFuture<ControlReply>> next = inFlight.poll();
            if (next == null) {
                break;
            }
            try {
                out.add(subscribe(next.getKey(), ControlClient.await(next.getValue(), CreateStreamResult.class), sink));
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return out;
    }

    private StreamInfo subscribe(String stream, CreateStreamResult created, ResultSink sink) {
        if (!created.changed().isEmpty()) {
            log.info("stream {} exists; changed its properties {}", stream, created.changed());
        }
        if (!created.refused().isEmpty()) {
            log.warn("stream {} exists; properties {} cannot change after create and were kept as they are",
                    stream, created.refused());
        }
        sinks.put(stream, sink);
        streams.put(stream, created.stream());
        if (subscribedStreams.contains(stream)) {
            return created.stream();
        }
        String queue = topology.resultsQueue(stream, clientId);
        QueueType type = created.stream().properties().queueTypeOrClassic();
        if (!sentBefore.isEmpty() && broker.inspect(queue).isEmpty()) {
            // expired or deleted with whatever results it held: what the earlier run sent may never answer
            log.warn("results queue {} of an earlier run is gone (expired, or deleted); the {} jobs that run sent and"
                    + " that are forked again are sent again", queue, sentBefore.size());
            sentBefore.clear();
        }
        declarer.declareResults(stream, clientId, type);
        long waiting = broker.inspect(queue).map(q -> q.ready()).orElse(0L);
        if (waiting > 0) {
            log.info("{} results of an earlier run of client {} are waiting on {}", waiting, clientId, queue);
            backlog.addAndGet(waiting);
        }
        subscriptions.add(broker.consume(queue, RESULTS_PREFETCH, d -> received(stream, d), () -> {
            declarer.declareResults(stream, clientId, type);
            // the queue was deleted with whatever results it held: send the stream's outstanding jobs again
            retries.execute(() -> sender.resend(stream, "this client's results queue was deleted", null));
        }));
        subscribedStreams.add(stream);
        return created.stream();
    }

    private void received(String stream, Delivery d) {
        // a fork made here (a future's callback runs on this thread) must not wait for results only this
        // thread can bring: it is not held at the client's outstanding bound
        Reservations.UNBOUNDED_HERE.set(Boolean.TRUE);
        try {
            receivedOnThisThread(stream, d);
        } finally {
            Reservations.UNBOUNDED_HERE.remove();
        }
    }

    private void receivedOnThisThread(String stream, Delivery d) {
        try {
            handle(stream, d);
        } finally {
            // only once its results are with the stage: a run waiting for the backlog must not see it drained
            // while the last message's results are still on their way to the stage (it would end without them)
            backlog.updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    private volatile Consumer<JobUpdate> updates = u -> { };

    /** Tells {@code listener} of each update of this client's running jobs (progress, output); on a broker thread. */
    public void onUpdate(Consumer<JobUpdate> listener) {
        this.updates = listener == null ? u -> { } : listener;
    }

    /** A running job's update: believed only when signed by a node (where there is a key) and about this client's job. */
    private void update(String stream, Delivery d) {
        d.ack();
        if (signingKey != null && !Signatures.eventAccepted(signingKey, d.message(), clock)) {
            log.warn("stream {}: dropped a job update no node of this installation signed", stream);
            return;
        }
        JobUpdate u;
        try {
            u = wire.read(d.message(), JobUpdate.class);
        } catch (RuntimeException e) {
            log.warn("stream {}: dropped a malformed job update: {}", stream, e.getMessage());
            return;
        }
        if (u == null || u.jobId() == null || !clientId.equals(u.client()) || !stream.equals(u.stream())
                || delivered.contains(u.jobId())) {
            return; // another's, or a job that already has its outcome here
        }
        try {
            updates.accept(u);
        } catch (RuntimeException e) {
            log.warn("the progress listener failed on job {}: {}", u.jobId(), e.toString());
        }
    }

    private void handle(String stream, Delivery d) {
        if (JobUpdate.TYPE.equals(d.message().type())) {
            update(stream, d);
            return;
        }
        if (Topology.LOST_TYPE.equals(d.message().type()) && Topology.LOST_KEY.equals(d.message().routingKey())) {
            d.ack(); // the stream's jobs queue was lost and declared again: what this client sent there is gone
            if (LostNotices.believed(signingKey, stream, d.message(), clock, lostNotices)) {
                retries.execute(() -> sender.resend(stream, "its jobs queue was deleted and declared again", null));
            }
            return;
        }
        // results a node sent together: each taken as if it had come alone; the message is acked once all are
        List<JobParts.Part> parts;
        try {
            parts = JobParts.read(d, wire);
        } catch (RuntimeException e) {
            deadLetter(d, stream, "not a valid " + (JobParts.isBatch(d.message()) ? "batch of results" : "result")
                    + " for client " + clientId + ": " + e.getMessage());
            return;
        }
        for (JobParts.Part part : parts) {
            accept(stream, part.job(), part.delivery());
        }
    }

    /** One result: checked, its signature verified, a repeat dropped, then handed to the stream's sink. */
    private void accept(String stream, JobEnvelope received, Delivery d) {
        JobEnvelope job;
        try {
            job = JobChecks.result(received, clientId);
            if (!stream.equals(job.stream())) {
                throw new ImpetusException("result of job " + job.id() + " names stream '" + job.stream()
                        + "' but came on stream '" + stream + "'");
            }
        } catch (RuntimeException e) {
            deadLetter(JobParts.alone(d, received), stream, "not a valid result for client " + clientId + ": "
                    + e.getMessage());
            return;
        }
        if (signingKey != null && !Signatures.resultIsSigned(signingKey, job)) {
            log.warn("stream {}: dropped a result of job {} that no node of this installation signed", stream, job.id());
            d.ack();
            return;
        }
        if (!delivered.add(job.id())) {
            if (deadlines.wasOverdue(job.id())) {
                log.info("stream {}: result of job {} came after its deadline of {} and is dropped; the job already"
                        + " ended with the deadline's error", stream, job.id(), deadlines.deadline());
            } else {
                log.debug("duplicate result of job {} dropped", job.id());
            }
            d.ack();
            return;
        }
        sender.done(job.id());
        deadlines.done(job.id());
        meters.result(stream, job.status() == JobStatus.READY);
        sinks.get(stream).accept(job, d);
        // an earlier run's job, answered before (or without) being forked again; only once it is with its
        // stage, so that a run waiting for these does not end while the result is on its way there
        sentBefore.remove(job.id());
        reservations.release(stream); // after the sink: a fork waiting on mss sees this job as done
    }

    private void deadLetter(Delivery d, String stream, String reason) {
        log.warn("stream {}: dead-lettering a message from this client's results queue: {}", stream, reason);
        d.ackOnceSent(() -> broker.publish(topology.deadLetter(d.message(), stream, reason)));
    }

    /**
     * The job a schedule runs at each occurrence, signed like any fork but not sent (its code bundle is
     * registered): the coordinator keeps it and gives each run an id of its own. The stream must be open here.
     */
    public JobEnvelope scheduleTemplate(ForkRequest request) {
        return prepare(request);
    }

    /** A control call made for this client ({@code schedules}), signed where there is a key; the reply's body. */
    public <T> T control(ControlRequest request, Class<T> replyType) {
        return control.call(request, replyType);
    }

    /**
     * Forks a job that waits for {@code inputs} (ids of jobs of its stream forked as awaited): the coordinator
     * holds it until they are done and then publishes it with their results as its argument; {@code beforeSend}
     * sees it before it is sent. It counts against {@code mss} like any fork, from now until its result. A
     * refused request (an input of another stream, a cycle) throws, forks nothing and gives the place back.
     */
    public JobEnvelope forkAfter(ForkRequest request, List<String> inputs, String policy,
                                 Consumer<JobEnvelope> beforeSend) throws InterruptedException {
        if (request.id() != null && delivered.contains(request.id())) {
            // a rerun forks again what an earlier run forked, and its result is already in: nothing is asked or counted
            return prepare(request);
        }
        JobEnvelope job = reserveAndMake(request, beforeSend).job();
        try {
            control.call(new ControlRequest.ForkAfter(job, List.copyOf(inputs), policy), String.class);
        } catch (RuntimeException e) {
            reservations.release(request.stream());
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
        if (request.id() != null && delivered.contains(request.id())) {
            // a rerun forks again what an earlier run forked, and its result is already in (task files or backlog)
            log.debug("job {}: its result is already in (an earlier run with this client id); not sent again",
                    request.id());
            return new Sent(prepare(request), Duration.ZERO);
        }
        Sent made = reserveAndMake(request, beforeSend);
        JobEnvelope job = made.job();
        deadlines.sent(job);
        if (sentBefore.remove(job.id())) {
            log.debug("job {}: an earlier run with this client id sent it; waiting for its result, not sending it again",
                    job.id());
            sender.adopt(job);
            if (delivered.contains(job.id())) { // its result came between the check above and the adoption
                sender.done(job.id());
                deadlines.done(job.id());
            }
            return made;
        }
        sender.send(job);
        meters.forked(request.stream(), 1);
        return made;
    }

    /** Waits for the job's reservations, makes it and lets {@code beforeSend} count it; on failure the reservation goes back. */
    private Sent reserveAndMake(ForkRequest request, Consumer<JobEnvelope> beforeSend)
            throws InterruptedException {
        Duration waited = reservations.reserve(request.stream(), stream(request.stream()).properties().mss(),
                request.timeout());
        try {
            JobEnvelope job = prepare(request);
            beforeSend.accept(job);
            return new Sent(job, waited);
        } catch (RuntimeException e) {
            reservations.release(request.stream());
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
                int chunk = Math.min(JobBatch.MAX_ITEMS, Math.min(reservations.max(),
                        mss == null ? Integer.MAX_VALUE : mss));
                if (jobs.size() >= chunk) {
                    sender.sendAll(jobs);
                    meters.forked(jobs.get(0).stream(), jobs.size());
                    jobs = new ArrayList<>();
                }
                Sent made = reserveAndMake(request, beforeSend);
                deadlines.sent(made.job());
                jobs.add(made.job());
                sent.add(made);
            }
        } finally {
            if (!jobs.isEmpty()) {
                sender.sendAll(jobs);
                meters.forked(jobs.get(0).stream(), jobs.size());
            }
        }
        return sent;
    }

    /** True once the results that waited when the streams were opened have all been received. */
    /**
     * Whether no result is still to come that this client did not fork in this run: the results
     * queue's backlog at open is delivered, and so is every job an earlier run sent that this run did
     * not fork again (its parent result was already handled; the job may still be running).
     */
    public boolean backlogDrained() {
        return backlog.get() == 0 && sentBefore.isEmpty();
    }

    public StreamInfo stream(String stream) {
        StreamInfo s = streams.get(stream);
        if (s == null) {
            throw new IllegalStateException("stream " + stream + " is not open in this client; open it first");
        }
        return s;
    }

    private JobEnvelope prepare(ForkRequest r) {
        StreamInfo info = stream(r.stream());
        CodeBundle bundle = bundles.computeIfAbsent(r.function().declaring(), c -> BundleBuilder.build(c, extraJars));
        if (registered.add(r.stream() + "/" + bundle.id())) {
            try {
                control.call(new ControlRequest.RegisterBundle(r.stream(), bundle.id(), bundle.toZip()), String.class);
            } catch (RuntimeException e) {
                registered.remove(r.stream() + "/" + bundle.id());
                throw e;
            }
        }
        int p = r.priority() == null ? info.properties().priority() : Math.min(r.priority(), info.properties().maxPriority());
        double d = r.delay() == null ? info.properties().delay() : r.delay().getSeconds() + r.delay().getNano() / 1e9;
        JobEnvelope job = JobEnvelope.builder().id(r.id() != null ? r.id() : UUID.randomUUID().toString()).stream(r.stream()).client(clientId)
                .name(r.function().name()).function(r.function().id()).args(Json.tree(r.arg())).code(bundle.id())
                .callback(r.callback()).priority(p).delay(d).status(d > 0 ? JobStatus.DELAYED : JobStatus.WAITING)
                .created(clock.instant()).transport(r.awaited() ? JobEnvelope.AWAITED : null).build();
        return signingKey == null ? job : Signatures.signJob(signingKey, job);
    }

    /**
     * One pass of the deadline backstop: every job past its deadline ends as an error result in its
     * stream's sink (its future fails, its stage gets the error), freeing its outstanding place; a
     * result of it that comes later is dropped. Runs every couple of seconds when a deadline is set.
     */
    void failOverdue() {
        for (JobEnvelope job : deadlines.overdue()) {
            log.warn("stream {}: no result of job {} ({}) within {}; it fails here, though it may still run on a node"
                    + " (see README, Client options: jobDeadline)", job.stream(), job.id(), job.name(),
                    deadlines.deadline());
            sender.done(job.id());
            endedWithoutResult(job, new ResultDeadlineException(job.id(), deadlines.deadline()));
        }
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
        JobCancel.checkedJobId(jobId);
        if (delivered.contains(jobId)) {
            return false;
        }
        JobEnvelope job = sender.outstanding(jobId).orElseThrow(() -> new IllegalArgumentException("job " + jobId
                + " is not a job of client " + clientId + " still waiting for its result (unknown, or already ended)"));
        JobCancel cancel = control.call(new ControlRequest.CancelJobs(job.stream(), jobId, clientId, true), JobCancel.class);
        boolean ended = endedWithoutResult(job, new CancellationException("job " + jobId
                + " cancelled by " + cancel.by()), cancel.error(job.name()));
        if (ended) {
            sender.done(jobId);
            log.info("stream {}: job {} ({}) cancelled", job.stream(), jobId, job.name());
        }
        return ended;
    }

    /** A job that could not be sent, or whose result did not come in time, ends as an error result in its stream's sink. */
    private void endedWithoutResult(JobEnvelope job, RuntimeException why) {
        endedWithoutResult(job, why, new ErrorResult(why.getMessage(), job.name(), null, null));
    }

    /** {@link #endedWithoutResult(JobEnvelope, RuntimeException)} with its error result; false when it had one already. */
    private boolean endedWithoutResult(JobEnvelope job, RuntimeException why, ErrorResult error) {
        deadlines.done(job.id());
        if (!delivered.add(job.id())) {
            return false;
        }
        reservations.release(job.stream());
        meters.result(job.stream(), false);
        JobEnvelope asResult = (job.status() == JobStatus.DELAYED ? job.moveTo(JobStatus.WAITING) : job)
                .startedBy("client", 0).finished(JobStatus.ERROR, Json.tree(error));
        sinks.get(job.stream()).failed(asResult, why);
        return true;
    }

    /**
     * Whether the broker answers (this session's connection reads the control queue) and the
     * coordinator answers a request within {@code timeout}; never throws.
     *
     * @return {@code null} when both answer, else what did not, in one line
     */
    public String unhealthy(Duration timeout) {
        try {
            if (broker.inspect(topology.controlQueue()).isEmpty()) {
                return "RabbitMQ answers, but there is no control queue " + topology.controlQueue()
                        + ": no coordinator has run with this prefix and vhost";
            }
        } catch (RuntimeException e) {
            return "RabbitMQ does not answer: " + e.getMessage();
        }
        try {
            new ControlClient(broker, topology, timeout, signingKey).call(new ControlRequest.ListStreams(false),
                    StreamInfo[].class);
            return null;
        } catch (RuntimeException e) {
            return "the coordinator does not answer: " + e.getMessage();
        }
    }

    /** Closes a stream: no new jobs; the coordinator removes its queues once drained. Best effort. */
    public void closeStream(String stream) {
        try {
            control.call(new ControlRequest.CloseStream(stream, clientId), StreamInfo.class);
        } catch (ImpetusException e) {
            log.warn("stream {} not closed: {}", stream, e.getMessage());
        }
        meters.remove(stream);
    }

    /** Stops receiving; with {@code finished}, deletes this client's (empty) results queues. */
    public void close(boolean finished) {
        subscriptions.forEach(Subscription::close);
        if (finished) {
            for (String stream : streams.keySet()) {
                try {
                    broker.deleteQueue(topology.resultsQueue(stream, clientId), true);
                } catch (ImpetusException e) {
                    log.debug("results queue of {} kept: {}", stream, e.getMessage());
                }
            }
        }
        retries.shutdownNow();
        streams.keySet().forEach(meters::remove);
        broker.close();
    }

    @Override
    public void close() {
        close(false);
    }
}
