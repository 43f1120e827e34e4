package io.impetus.worker.child;

import io.impetus.worker.process.PrivateDirs;
import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker that runs its jobs on a thread of the node's own JVM, in class loaders of its own (one
 * per bundle, kept while it lives), with no child process and no pipe: the node's opt-in
 * in-process mode for trusted short jobs ({@code NodeOptions.inProcess}). To the stream it is a
 * {@link Worker} like a child process, so slots, mpps, timeouts, cancels, retries and results take
 * the same path. {@link #kill} interrupts the job's thread and reports the worker gone at once (its
 * job then times out or is cancelled as in child mode); a thread that ignores the interrupt cannot
 * be stopped: it is abandoned, counted in {@link #abandoned()}, and keeps its CPU and memory until
 * it ends on its own. That is why the mode is for code the node's operator trusts.
 */
public final class InProcessWorker implements Worker {
    private static final Logger log = LoggerFactory.getLogger(InProcessWorker.class);
    /** The exit code reported for a killed worker (a child killed with SIGKILL reports 137). */
    public static final int KILLED = 137;
    /** How long a killed job's thread has to end before it counts as abandoned. */
    static final Duration ABANDON_AFTER = Duration.ofSeconds(1);
    private static final AtomicInteger ABANDONED = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();
    private static final WorkerTask RETIRE = new WorkerTask(null, null, null, null, null, null);

    private final int index;
    private final Listener listener;
    private final Path scratch;
    private final JobInvoker invoker;
    private final BlockingQueue<WorkerTask> tasks = new LinkedBlockingQueue<>();
    private final AtomicBoolean gone = new AtomicBoolean();
    private final Thread thread;

    private InProcessWorker(int index, String stream, Path scratch, Listener listener) {
        this.index = index;
        this.listener = listener;
        this.scratch = scratch;
        this.invoker = new JobInvoker(PID, scratch);
        this.thread = new Thread(this::loop, "inprocess-" + index + "-" + stream);
        thread.setDaemon(true);
    }

    /**
     * A spawner of in-process workers, each with a private scratch folder below {@code scratchRoot}
     * (0700) for its bundles' jars, removed when it ends.
     */
    public static Spawner spawner(Path scratchRoot) {
        InProcessReports.install();
        return (index, stream, listener) -> {
            Path scratch = PrivateDirs.temp(PrivateDirs.ensure(scratchRoot), "inprocess-" + index + "-");
            InProcessWorker w = new InProcessWorker(index, stream, scratch, listener);
            w.thread.start();
            return w;
        };
    }

    /** Killed in-process jobs whose thread did not end within {@link #ABANDON_AFTER}, since the JVM started. */
    public static int abandoned() {
        return ABANDONED.get();
    }

    private void loop() {
        try {
            for (WorkerTask task = tasks.take(); task != RETIRE && !gone.get(); task = tasks.take()) {
                WorkerOutcome outcome = run(task);
                if (gone.get()) {
                    return; // killed while it ran: the outcome is not reported (a cancel or a timeout stands)
                }
                listener.outcome(this, outcome);
            }
        } catch (InterruptedException e) {
            // killed while it waited for a task
        } finally {
            end();
        }
    }

    private WorkerOutcome run(WorkerTask task) {
        InProcessReports.Job reports = InProcessReports.begin(task.jobId(), u -> listener.update(this, u));
        try {
            return invoker.run(task);
        } finally {
            reports.end();
            Thread.interrupted(); // a job that interrupted itself must not stop the next one
        }
    }

    /** The thread ends: retired (exit 0, reported here) or killed (reported by {@link #kill}). */
    private void end() {
        invoker.close();
        PrivateDirs.delete(scratch);
        if (gone.compareAndSet(false, true)) {
            listener.exited(this, 0);
        }
    }

    @Override
    public void send(WorkerTask task) throws IOException {
        if (gone.get()) {
            throw new IOException("in-process worker " + index + " has ended");
        }
        tasks.add(task);
    }

    @Override
    public void retire() {
        tasks.add(RETIRE);
    }

    /**
     * Interrupts the job's thread and reports the worker gone, on a thread of its own, once the thread
     * ended or {@link #ABANDON_AFTER} passed (then it is abandoned, and counted).
     */
    @Override
    public void kill() {
        if (!gone.compareAndSet(false, true)) {
            return;
        }
        thread.interrupt();
        Thread reaper = new Thread(() -> {
            try {
                thread.join(ABANDON_AFTER.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                int n = ABANDONED.incrementAndGet();
                log.warn("in-process worker {}: its job ignored the interrupt and keeps running on thread {};"
                        + " abandoned ({} so far on this node; a runaway in-process job cannot be killed —"
                        + " run untrusted or long jobs in worker processes, the default)", index, thread.getName(), n);
            }
            listener.exited(this, KILLED);
        }, "inprocess-" + index + "-reaper");
        reaper.setDaemon(true);
        reaper.start();
    }

    @Override
    public boolean isAlive() {
        return !gone.get() && thread.isAlive();
    }

    @Override
    public long pid() {
        return PID;
    }

    @Override
    public int index() {
        return index;
    }
}
