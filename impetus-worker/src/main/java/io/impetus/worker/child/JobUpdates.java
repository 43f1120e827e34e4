package io.impetus.worker.child;

import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobReports;
import io.impetus.worker.protocol.Frames;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The running job's updates to the node: its progress ({@code JobContext.progress}) and its output,
 * at most one update frame every {@link #MIN_INTERVAL_NANOS} (a report in between is kept and sent
 * when the interval has passed, by the next report or by {@link #tick}, which the worker calls
 * a few times a second), and what is left just before the job's outcome. Every frame, outcomes too,
 * goes through {@link #write}, one at a time. Thread-safe.
 */
final class JobUpdates implements JobReports.Reporter {
    static final long MIN_INTERVAL_NANOS = 250_000_000L;

    private final DataOutputStream out;
    private final JobOutput output;
    private final LongSupplier nanos;
    private String jobId;
    private Double fraction;
    private String message;
    private boolean progressPending;
    private long lastSent;

    JobUpdates(DataOutputStream out, JobOutput output, LongSupplier nanos) {
        this.out = out;
        this.output = output;
        this.nanos = nanos;
    }

    /** A job starts: its reports and output are its own from now. */
    synchronized void begin(String id) {
        jobId = id;
        fraction = null;
        message = null;
        progressPending = false;
        lastSent = nanos.getAsLong() - MIN_INTERVAL_NANOS;
        output.begin();
    }

    @Override
    public synchronized void progress(double f, String m) {
        if (jobId == null) {
            return; // between jobs (a thread the last job left behind): not the next job's progress
        }
        fraction = f;
        message = m;
        progressPending = true;
        tick();
    }

    /** Sends what is pending if the interval has passed since the last update. */
    synchronized void tick() {
        if (jobId != null && nanos.getAsLong() - lastSent >= MIN_INTERVAL_NANOS) {
            send();
        }
    }

    /** The job ended: what is pending goes now, before its outcome. */
    synchronized void end() {
        if (jobId != null) {
            send();
        }
        output.end();
        jobId = null;
    }

    private void send() {
        String printed = output.take();
        if (!progressPending && printed == null) {
            return;
        }
        try {
            write(WorkerUpdate.of(jobId, progressPending ? fraction : null, progressPending ? message : null, printed));
        } catch (IOException e) {
            return; // the node stopped reading: it kills this worker
        }
        progressPending = false;
        lastSent = nanos.getAsLong();
    }

    /** Where a worker's heap is set, for errors about a result too large for it. */
    static final String HEAP_HINT = "-Xmx256m by default; set IMPETUS_WORKER_JAVA_OPTS on the node to change it";

    /**
     * Writes a job's outcome; one that cannot be sent (a result too large for a frame, or nested too deeply to be
     * written on this worker's stack) goes as an error outcome that says why, so that the job ends with that error
     * instead of the worker being stopped and the job retried into the same wall.
     */
    void writeOutcome(WorkerOutcome outcome, String name) throws IOException {
        byte[] bytes;
        try {
            bytes = Frames.encode(outcome);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            String why = e instanceof StackOverflowError ? "it is nested too deeply to be written"
                    : e instanceof OutOfMemoryError ? "it is too large for the worker's heap to write (" + HEAP_HINT + ")"
                    : e.getMessage();
            bytes = Frames.encode(new WorkerOutcome(outcome.jobId(), outcome.pid(), false, null,
                    new ErrorResult("the outcome of job " + outcome.jobId() + " cannot be sent to its node: " + why,
                            name, null, null), outcome.blocked()));
        }
        synchronized (out) {
            Frames.writeEncoded(out, bytes);
        }
    }

    /** Writes one frame (an update, an outcome, the hello); frames never interleave. */
    void write(Object frame) throws IOException {
        synchronized (out) {
            Frames.write(out, frame);
        }
    }
}
