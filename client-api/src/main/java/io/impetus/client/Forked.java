package io.impetus.client;

import java.time.Duration;

/**
 * A job that {@code forkWithin} sent.
 *
 * @param jobId the job's id
 * @param waited how long fork waited for the stream's {@code mss} back-pressure
 */
public record Forked(String jobId, Duration waited) {
}
