package io.impetus.client;

import java.util.concurrent.CompletableFuture;

/**
 * A job that other jobs may wait for ({@code forkAwaited}, {@code forkAfter}): its id, to name it as an input
 * of {@code forkAfter}, and its result.
 *
 * @param jobId the job's id
 * @param result its result, or a {@link JobFailedException}
 */
public record Awaited<R>(String jobId, CompletableFuture<R> result) {
}
