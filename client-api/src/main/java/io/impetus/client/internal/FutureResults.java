package io.impetus.client.internal;

import com.fasterxml.jackson.databind.JavaType;
import io.impetus.client.Impetus.LateResult;
import io.impetus.client.JobError;
import io.impetus.client.JobFailedException;
import io.impetus.core.broker.Delivery;
import io.impetus.core.codec.Json;
import io.impetus.core.job.ErrorResult;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The futures of {@code Impetus}'s forks: each job's result completes its future (converted to
 * the function's return type) or fails it with {@link JobFailedException}; a result no future
 * waits for goes to the late-result listener. The result's message is acked once its future is
 * completed. Thread-safe.
 */
public final class FutureResults implements ResultSink {
    private static final Logger log = LoggerFactory.getLogger(FutureResults.class);
    private static final Map<Method, JavaType> RETURN_TYPES = new ConcurrentHashMap<>();

    private record Pending(JobFuture<Object> future, JavaType type) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Predicate<String> canceller;
    private volatile Consumer<LateResult> lateResults;

    /** Futures whose {@code cancel} calls {@code canceller} with the job's id (the session's cancel). */
    public FutureResults(Predicate<String> canceller) {
        this.canceller = canceller;
    }

    /** Futures that cannot cancel their job. */
    public FutureResults() {
        this(id -> {
            throw new UnsupportedOperationException("these futures cannot cancel their jobs");
        });
    }

    /** A new future for job {@code jobId} of {@code function}; register it before the job is sent. */
    public <R> CompletableFuture<R> expect(String jobId, FunctionRef function) {
        JavaType type = RETURN_TYPES.computeIfAbsent(function.method(),
                m -> Json.mapper().constructType(m.getGenericReturnType()));
        JobFuture<Object> future = new JobFuture<>(jobId, canceller);
        pending.put(jobId, new Pending(future, type));
        @SuppressWarnings("unchecked")
        CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) future;
        return typed;
    }

    /** Tells {@code listener} of each result that no future waits for; {@code null} drops them. */
    public void onLateResult(Consumer<LateResult> listener) {
        this.lateResults = listener;
    }

    /** Whether no future is waiting. */
    public boolean isEmpty() {
        return pending.isEmpty();
    }

    @Override
    public void accept(JobEnvelope job, Delivery delivery) {
        try {
            complete(job);
        } finally {
            if (delivery != null) {
                delivery.ack();
            }
        }
    }

    private void complete(JobEnvelope job) {
        Pending p = pending.remove(job.id());
        if (p == null) {
            Consumer<LateResult> late = lateResults;
            if (late != null) {
                try {
                    late.accept(new LateResult(job.id(), job.stream(), job.name(), job.status() == JobStatus.READY,
                            job.result()));
                } catch (RuntimeException e) {
                    log.warn("the late-result listener failed on job {}: {}", job.id(), e.toString());
                }
            }
            return;
        }
        if (job.status() == JobStatus.READY) {
            try {
                p.future().complete(Json.mapper().treeToValue(job.result(), p.type()));
            } catch (Exception e) {
                p.future().completeExceptionally(e);
            }
        } else {
            ErrorResult e = Json.convert(job.result(), ErrorResult.class);
            if (JobCancel.isCancel(e)) { // cancelled elsewhere (impetus cancel, the status page)
                p.future().cancelled();
                return;
            }
            p.future().completeExceptionally(new JobFailedException(
                    new JobError(e.error(), e.name(), e.linenumber(), e.statement())));
        }
    }

    @Override
    public void failed(JobEnvelope asResult, RuntimeException cause) {
        Pending p = pending.remove(asResult.id());
        if (p != null && cause instanceof CancellationException) {
            p.future().cancelled();
        } else if (p != null) {
            p.future().completeExceptionally(cause);
        }
    }

    /** Fails the future of job {@code jobId}, if one waits, with {@code cause} (its job was never sent). */
    public void failed(String jobId, RuntimeException cause) {
        Pending p = pending.remove(jobId);
        if (p != null) {
            p.future().completeExceptionally(cause);
        }
    }

    /** Fails every future still waiting with {@code cause}. */
    public void failAll(RuntimeException cause) {
        for (String id : pending.keySet()) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.future().completeExceptionally(cause);
            }
        }
    }
}
