package io.impetus.client.internal;

import io.impetus.core.error.ImpetusException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The future of one forked job: {@link #cancel} cancels the job itself, not only the wait for it.
 * Stages made from it ({@code thenApply}, ...) are plain futures: cancelling one of them does not
 * reach the job.
 */
public final class JobFuture<T> extends CompletableFuture<T> {
    private final String jobId;
    private final Predicate<String> canceller;

    JobFuture(String jobId, Predicate<String> canceller) {
        this.jobId = jobId;
        this.canceller = canceller;
    }

    /** The job's id. */
    public String jobId() {
        return jobId;
    }

    /**
     * Cancels the job: the coordinator is asked (a signed request), the nodes stop it (it never starts,
     * or its worker is killed), and this future is cancelled at once. {@code mayInterruptIfRunning}
     * is not needed: a running job is always stopped.
     *
     * @return true when the job ended as cancelled (by this call, or by a cancel from elsewhere that
     *     crossed it); false when it had ended before (its result came first, or this future was done)
     * @throws ImpetusException when the coordinator refuses (the client did not
     *     create the stream and is not the admin) or does not answer; the job then goes on
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        if (!canceller.test(jobId)) {
            // a result was taken for this job while the cancel was asked for (the job's own, or the nodes'
            // 'cancelled'): it is being handed to this future now, so wait for it, briefly, and report it
            try {
                get(RESULT_ON_ITS_WAY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | CancellationException | TimeoutException e) {
                // the outcome is what the future holds
            }
        }
        return isCancelled();
    }

    /** How long a cancel that lost the race waits for the result that won it to reach the future. */
    static final Duration RESULT_ON_ITS_WAY = Duration.ofSeconds(5);

    /** Marks this future cancelled: the job ended as {@code cancelled}. */
    void cancelled() {
        super.cancel(false);
    }
}
