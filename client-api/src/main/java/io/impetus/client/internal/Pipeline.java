package io.impetus.client.internal;

import io.impetus.client.Job;
import io.impetus.client.Progress;
import io.impetus.core.broker.Delivery;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a client's stages, each in its own thread, in declaration order. A process stage gets
 * its results in batches as they arrive; once its method returned, the batch is appended to its
 * task file and acked (so a stage that threw, or a process killed, leaves the batch to a rerun).
 *
 * <p>A process stage completes when every stage before it has completed and nothing is pending
 * in it or in any later stage: no job whose result it or a later stage receives is outstanding,
 * and no result is waiting in, or being handled by, one of them. Later stages count because a
 * stage may fork back into an earlier one (a crawler's {@code parsed} forks fetches whose
 * results go to {@code fetched}); only once none of them can fork again is an earlier stage
 * done. A fork counts as pending before it is published and a result stops counting only after
 * its stage method returned, so forks made while handling a batch are never missed; a counter
 * of forks, read before and after the check, catches a fork that lands in a stage already checked.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    static final int MAX_BATCH = 10_000;

    private final List<Stage> stages;
    private final Object target;
    private final TaskFiles files;
    private final PrintStream out;
    private final Clock clock;
    private final Duration progressInterval;
    private final Function<JobEnvelope, Job> jobs;
    private final ThreadLocal<Stage> current = new ThreadLocal<>();
    /** The results a process stage is handling on this thread, as a key (see {@link #forkParent()}). */
    private final ThreadLocal<String> parent = new ThreadLocal<>();
    private final List<String> lastProgress = new ArrayList<>();
    private final Set<String> forkedIds = ConcurrentHashMap.newKeySet();
    /**
     * Results of an earlier run's jobs that arrived before this run forked them again (a rerun's
     * ids are the earlier run's): already pending, so the fork must not count them a second time.
     */
    private final Set<String> arrivedFirst = ConcurrentHashMap.newKeySet();
    private final Object ids = new Object();
    private volatile BooleanSupplier backlogDrained = () -> true;
    /** Bumped on every fork and every leftover result: a completion check that saw it move checks again. */
    private final AtomicLong epoch = new AtomicLong();
    /** What went wrong: a stage that threw stops the run (see {@link #invoke}). */
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean failed;

    /**
     * @param jobs makes the {@link Job} a stage receives from the finished job's envelope
     */
    public Pipeline(List<Stage> stages, Object target, TaskFiles files, PrintStream out, Clock clock,
                    Duration progressInterval, Function<JobEnvelope, Job> jobs) {
        this.jobs = jobs;
        this.stages = List.copyOf(stages);
        this.target = target;
        this.files = files;
        this.out = out;
        this.clock = clock;
        this.progressInterval = progressInterval;
    }

    /** The stage that receives results of a job forked now, from this thread, without a callback. */
    public Stage callbackFor(String named) {
        if (named != null) {
            return stages.stream().filter(s -> s.name.equals(named) && s.kind == Stage.Kind.PROCESS).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no @Process stage named '" + named + "'"));
        }
        Stage from = forker();
        int i = stages.indexOf(from);
        for (int j = i + 1; j < stages.size(); j++) {
            if (stages.get(j).kind == Stage.Kind.PROCESS) {
                return stages.get(j);
            }
        }
        throw new IllegalStateException("stage " + from.name + " has no @Process stage after it to receive results;"
                + " name a callback in ForkOptions");
    }

    /**
     * Results left from an earlier run with this client id (its durable queue held them) must
     * arrive before any stage may complete: {@code drained} says when they have.
     */
    public void awaitBacklog(BooleanSupplier drained) {
        this.backlogDrained = drained;
    }

    /** Counts a fork of job {@code id} from the current stage into {@code to}; call before publishing. */
    public void forked(String id, Stage to) {
        if (failed) {
            throw new IllegalStateException("the run has failed (" + failures.get(0) + "); it forks no more jobs");
        }
        if (to.completed) {
            throw new IllegalStateException("stage " + to.name + " has already completed; it takes no more jobs");
        }
        forker().forked.incrementAndGet();
        synchronized (ids) {
            if (!arrivedFirst.remove(id)) {
                forkedIds.add(id);
                to.pending.incrementAndGet();
            }
        }
        epoch.incrementAndGet();
    }

    /** The name of the stage forking on this thread (a thread no stage runs counts as the startup stage's). */
    public String forkingStage() {
        return forker().name;
    }

    /**
     * What the fork made on this thread comes from: the ids of the results its process stage is
     * handling (sorted: the same batch gives the same key in a rerun), or {@code "startup"}.
     */
    public String forkParent() {
        String p = parent.get();
        return p != null ? p : "startup";
    }

    private static String parentOf(List<Stage.Item> batch) {
        return batch.stream().map(i -> i.job().id()).sorted().collect(Collectors.joining(","));
    }

    private Stage forker() {
        Stage s = current.get();
        return s != null ? s : stages.get(0);
    }

    /** A result arrived; it goes to the inbox of its callback stage. */
    public void deliver(JobEnvelope job, Delivery delivery) {
        Stage stage = stages.stream().filter(s -> s.name.equals(job.callback())).findFirst().orElse(null);
        if (stage == null) {
            log.warn("result of job {} is for unknown stage '{}'; dropped", job.id(), job.callback());
            if (delivery != null) {
                delivery.ack();
            }
            return;
        }
        synchronized (ids) {
            if (!forkedIds.remove(job.id())) { // a result of an earlier run with this client id: pending until handled
                arrivedFirst.add(job.id());
                stage.pending.incrementAndGet();
                epoch.incrementAndGet();
            }
        }
        stage.inbox.add(new Stage.Item(job, delivery));
    }

    /** Runs every stage to completion and returns the counts. */
    public Progress run() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Stage s : stages) {
            Thread t = new Thread(() -> runStage(s), s.name);
            threads.add(t);
            t.start();
        }
        long interval = Math.max(50, progressInterval.toMillis());
        printProgress(true);
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(interval);
                printProgress(false);
            }
        }
        printProgress(false);
        return progress();
    }

    private void runStage(Stage s) {
        current.set(s);
        try {
            switch (s.kind) {
                case STARTUP -> invoke(s);
                case PROCESS -> process(s);
                case SHUTDOWN -> {
                    for (Stage other : stages) {
                        while (other.kind == Stage.Kind.PROCESS && !other.completed && !failed) {
                            Thread.sleep(20);
                        }
                    }
                    if (failed) {
                        log.warn("the run failed; shutdown stage {} is not run", s.name);
                        return;
                    }
                    Map<String, Path> ok = new LinkedHashMap<>();
                    Map<String, Path> err = new LinkedHashMap<>();
                    stages.stream().filter(x -> x.kind != Stage.Kind.SHUTDOWN).forEach(x -> {
                        ok.put(x.name, files.okFile(x.name));
                        err.put(x.name, files.errFile(x.name));
                    });
                    invoke(s, ok, err, progress());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) { // a task file that cannot be written (a full disk), or anything else: the run fails
            fail(s, t);
        } finally {
            s.completed = true;
        }
    }

    private void process(Stage s) throws InterruptedException {
        while (!failed && !done(s)) {
            Stage.Item first = s.inbox.poll(50, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            List<Stage.Item> batch = new ArrayList<>();
            batch.add(first);
            s.inbox.drainTo(batch, MAX_BATCH);
            List<Job> ready = new ArrayList<>();
            List<Job> errors = new ArrayList<>();
            for (Stage.Item i : batch) {
                (i.job().status() == JobStatus.READY ? ready : errors).add(jobs.apply(i.job()));
            }
            s.processed.addAndGet(ready.size());
            s.errors.addAndGet(errors.size());
            parent.set(parentOf(batch));
            try {
                if (invoke(s, ready, errors)) {
                    // only once the stage has them: a rerun gets again what a stage that threw (or a killed
                    // process) did not finish, and skips what is in the task files
                    files.append(s.name, batch.stream().map(Stage.Item::job).toList());
                    Delivery.ackAll(batch.stream().map(Stage.Item::delivery)
                            .filter(d -> d != null).toList());
                }
            } finally {
                parent.remove();
                s.pending.addAndGet(-batch.size()); // after the method: its forks are already counted
            }
        }
        if (!failed) {
            out.println(Json.formatTime(clock.instant()) + " " + s.name + " completed");
            out.flush();
        }
    }

    /** Whether process stage {@code s} may complete (see the class comment). */
    boolean done(Stage s) {
        int at = stages.indexOf(s);
        for (int i = 0; i < at; i++) {
            if (!stages.get(i).completed) {
                return false;
            }
        }
        if (!backlogDrained.getAsBoolean()) {
            return false;
        }
        long before = epoch.get();
        for (int i = at; i < stages.size(); i++) {
            Stage later = stages.get(i);
            if (later.kind == Stage.Kind.PROCESS && later.pending.get() != 0) {
                return false;
            }
        }
        return epoch.get() == before;
    }

    /**
     * Calls a stage method. One that throws fails the run: every stage stops at its next step,
     * results not yet handled stay unacked (so they come back to a rerun with the same id), and
     * the shutdown stage is not run.
     */
    private boolean invoke(Stage s, Object... args) {
        try {
            s.method.setAccessible(true);
            s.method.invoke(target, s.method.getParameterCount() == 0 ? new Object[0] : args);
            return true;
        } catch (InvocationTargetException e) {
            fail(s, e.getCause());
        } catch (IllegalAccessException | RuntimeException e) {
            fail(s, e);
        }
        return false;
    }

    private void fail(Stage s, Throwable cause) {
        log.error("stage {} threw; the run fails", s.name, cause);
        failures.add(s.name + ": " + cause);
        failed = true;
        out.println(Json.formatTime(clock.instant()) + " " + s.name + " failed: " + cause);
        out.flush();
    }

    /** Current counts of every stage but the shutdown stage. */
    public Progress progress() {
        Map<String, Progress.StageCounts> counts = new LinkedHashMap<>();
        stages.stream().filter(s -> s.kind != Stage.Kind.SHUTDOWN).forEach(s -> counts.put(s.name,
                new Progress.StageCounts(s.forked.get(), s.processed.get() + s.errors.get(), s.errors.get())));
        return new Progress(counts, failures);
    }

    /** The seed's line, one per pair of stages: {@code thread: a F/P -> b F/P via b}. */
    private synchronized void printProgress(boolean force) {
        List<Stage> flow = stages.stream().filter(s -> s.kind != Stage.Kind.SHUTDOWN).toList();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i + 1 < flow.size(); i++) {
            Stage a = flow.get(i);
            Stage b = flow.get(i + 1);
            lines.add("thread: " + a.name + " " + a.forked.get() + "/" + (a.processed.get() + a.errors.get())
                    + " -> " + b.name + " " + b.forked.get() + "/" + (b.processed.get() + b.errors.get()) + " via " + b.name);
        }
        if (force || !lines.equals(lastProgress)) {
            lines.forEach(out::println);
            out.flush();
            lastProgress.clear();
            lastProgress.addAll(lines);
        }
    }
}
