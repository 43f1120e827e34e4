package io.impetus.worker.child;

import io.impetus.core.job.JobReports;
import io.impetus.worker.protocol.WorkerUpdate;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The progress of jobs running in the node's JVM ({@link InProcessWorker}): one reporter for the
 * process, which hands each report to the job of the calling thread (or of the thread that started
 * it). Like {@link JobUpdates}, at most one update every {@link #MIN_INTERVAL_NANOS}; the last one
 * goes before the job's outcome. What an in-process job prints is not captured: it goes to the
 * node's own output.
 */
final class InProcessReports implements JobReports.Reporter {
    static final long MIN_INTERVAL_NANOS = JobUpdates.MIN_INTERVAL_NANOS;
    private static final InheritableThreadLocal<Job> CURRENT = new InheritableThreadLocal<>();
    private static final InProcessReports INSTANCE = new InProcessReports();

    private InProcessReports() {
    }

    /** Makes this the process's reporter (idempotent). */
    static void install() {
        if (JobReports.current() != INSTANCE) {
            JobReports.install(INSTANCE);
        }
    }

    /** The calling thread runs job {@code jobId} until {@link Job#end}; its updates go to {@code sink}. */
    static Job begin(String jobId, Consumer<WorkerUpdate> sink) {
        Job job = new Job(jobId, sink, System::nanoTime);
        CURRENT.set(job);
        return job;
    }

    @Override
    public void progress(double fraction, String message) {
        Job job = CURRENT.get();
        if (job != null) {
            job.progress(fraction, message);
        }
    }

    /** One running job's reports. Thread-safe: a job may report from threads it started. */
    static final class Job {
        private final String jobId;
        private final Consumer<WorkerUpdate> sink;
        private final LongSupplier nanos;
        private long lastSent;
        private WorkerUpdate pending;
        private boolean ended;

        Job(String jobId, Consumer<WorkerUpdate> sink, LongSupplier nanos) {
            this.jobId = jobId;
            this.sink = sink;
            this.nanos = nanos;
            this.lastSent = nanos.getAsLong() - MIN_INTERVAL_NANOS;
        }

        synchronized void progress(double fraction, String message) {
            if (ended) {
                return; // a thread the job left behind: not the next job's progress
            }
            pending = WorkerUpdate.of(jobId, fraction, message, null);
            if (nanos.getAsLong() - lastSent >= MIN_INTERVAL_NANOS) {
                send();
            }
        }

        /** The job ended: its last progress goes now, before its outcome; later reports are dropped. */
        synchronized void end() {
            if (pending != null) {
                send();
            }
            ended = true;
            CURRENT.remove();
        }

        private void send() {
            sink.accept(pending);
            pending = null;
            lastSent = nanos.getAsLong();
        }
    }
}
