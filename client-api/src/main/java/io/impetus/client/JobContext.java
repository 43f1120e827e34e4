package io.impetus.client;

import io.impetus.core.job.JobReports;
import io.impetus.core.job.JobUpdate;

/**
 * What a job function may tell the world while it runs. Call it from the job's code (any of its
 * threads); outside a worker (a unit test of the function) it does nothing.
 *
 * <pre>{@code
 * public static long crawl(String site) {
 *     for (int i = 0; i < pages; i++) {
 *         ...
 *         JobContext.progress((i + 1) / (double) pages, "page " + (i + 1) + " of " + pages);
 *     }
 * }
 * }</pre>
 *
 * <p>What the job prints ({@code System.out}, {@code System.err}) is captured too, per job, and
 * travels with its progress. Both reach the client's listener ({@code Impetus.onProgress},
 * {@code Client.onProgress}), {@code impetus watch STREAM --logs}, {@code impetus job ID} and the
 * status page. Reports are rate-limited: at most about four a second reach anyone (a later one
 * replaces the ones in between; the last one before the job ends is always sent).
 */
public final class JobContext {
    private JobContext() {
    }

    /**
     * Reports how far the job is.
     *
     * @param fraction from 0 (just started) to 1 (done)
     * @param message what it is doing, may be null; cut at 1,000 characters
     * @throws IllegalArgumentException when {@code fraction} is not a number from 0 to 1
     */
    public static void progress(double fraction, String message) {
        JobUpdate.checkedFraction(fraction);
        JobReports.Reporter reporter = JobReports.current();
        if (reporter != null) {
            reporter.progress(fraction, JobUpdate.cutMessage(message));
        }
    }
}
