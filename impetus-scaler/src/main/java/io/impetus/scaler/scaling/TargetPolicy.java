package io.impetus.scaler.scaling;

/**
 * Target tracking (AWS's backlog-per-instance formula): a node can work off
 * {@code acceptableLatency / jobTime × mpps} jobs within the acceptable latency, so the wanted
 * nodes are the backlog divided by that. The job time is measured: busy workers / finish rate.
 */
public final class TargetPolicy implements ScalingPolicy {
    private final double acceptableLatencySeconds;
    private final double defaultJobSeconds;

    public TargetPolicy(double acceptableLatencySeconds, double defaultJobSeconds) {
        if (acceptableLatencySeconds <= 0 || defaultJobSeconds <= 0) {
            throw new IllegalArgumentException("acceptable latency and default job time must be positive");
        }
        this.acceptableLatencySeconds = acceptableLatencySeconds;
        this.defaultJobSeconds = defaultJobSeconds;
    }

    @Override
    public Want desired(ScalingInputs in, int mpps) {
        long backlog = in.waiting() + in.running();
        int busy = in.nodes().stream().mapToInt(NodeView::busy).sum();
        double jobSeconds = in.ackRate() > 0 && busy > 0 ? busy / in.ackRate() : defaultJobSeconds;
        double perNode = Math.max(1.0, acceptableLatencySeconds / jobSeconds * mpps);
        int wanted = (int) Math.ceil(backlog / perNode);
        return new Want(wanted, String.format("backlog %d, job time %.3f s, %.0f jobs per node within %.0f s", backlog,
                jobSeconds, perNode, acceptableLatencySeconds));
    }
}
