package io.impetus.core.job;

/**
 * The seam between a job's code and the worker process running it: the worker installs a
 * {@link Reporter} for the job it runs; {@code JobContext.progress} (client API) calls it. Outside a
 * worker (a unit test of the job function) nothing is installed and a report goes nowhere.
 */
public final class JobReports {
    /** Takes a running job's progress. Thread-safe: a job may report from any of its threads. */
    @FunctionalInterface
    public interface Reporter {
        /** {@code fraction} from 0 to 1 (checked by the caller), {@code message} may be null. */
        void progress(double fraction, String message);
    }

    private static volatile Reporter current;

    private JobReports() {
    }

    /** Installs the reporter of this process (a worker: once, at start). */
    public static void install(Reporter reporter) {
        current = reporter;
    }

    /** The reporter of this process, or {@code null} outside a worker. */
    public static Reporter current() {
        return current;
    }
}
