package io.impetus.client;

import java.time.Instant;

/**
 * An update of one of this client's running jobs: its progress ({@link JobContext#progress}) and what
 * it printed since the last update. Given to {@link Impetus#onProgress} and {@link Client#onProgress}.
 * Updates are best effort (not persistent, rate-limited): a listener may miss some, never the job's result.
 *
 * @param jobId the job
 * @param stream its stream
 * @param name the job function's name
 * @param node the node running it
 * @param fraction its progress from 0 to 1, or {@code null} when this update carries only output
 * @param message the progress message, or {@code null}
 * @param output what the job printed since its last update, or {@code null}
 * @param at when the node sent it
 */
public record JobProgress(String jobId, String stream, String name, String node, Double fraction, String message,
                          String output, Instant at) {
}
