package io.impetus.client.internal;

import java.util.concurrent.CompletableFuture;
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
     * @return true when this call cancelled the job; false when it had already ended (its result came
     *     first, or it was cancelled before)
     * @throws io.impetus.core.error.ImpetusException when the coordinator refuses (the client did not
     *     create the stream and is not the admin) or does not answer; the job then goes on
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return false;
        }
        return canceller.test(jobId) && isCancelled();
    }

    /** Marks this future cancelled: the job ended as {@code cancelled}. */
    void cancelled() {
        super.cancel(false);
    }
}
