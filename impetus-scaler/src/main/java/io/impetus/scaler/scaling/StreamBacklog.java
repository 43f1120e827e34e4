package io.impetus.scaler.scaling;

/**
 * One stream's queue, from the management API: ready and unacknowledged (running or buffered
 * on a node) jobs, and the rate at which jobs finish.
 */
public record StreamBacklog(String stream, long ready, long unacknowledged, double ackRate) {
}
