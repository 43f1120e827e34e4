package io.impetus.core.rpc;

/**
 * The coordinator's answer to a node that wants to start jobs of a rate-limited stream.
 *
 * @param granted how many jobs it may start now
 * @param retryAfterMillis when none are granted, how long until one will be
 */
public record Permits(int granted, long retryAfterMillis) {
}
