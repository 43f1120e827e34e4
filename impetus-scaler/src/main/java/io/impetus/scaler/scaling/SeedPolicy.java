package io.impetus.scaler.scaling;

/**
 * The seed's rule: when more jobs wait than the nodes have workers (waiting > Σ mpps) and there
 * are fewer than maxNodes, start 1 if there are no nodes, else min(maxNodes - nodes,
 * waiting / mpps + 1). Otherwise it wants the nodes that are busy, so idle ones may go (the
 * idle-time rule of {@link Guardrails} decides which and when).
 */
public final class SeedPolicy implements ScalingPolicy {
    private final int maxNodes;

    public SeedPolicy(int maxNodes) {
        this.maxNodes = maxNodes;
    }

    @Override
    public Want desired(ScalingInputs in, int mpps) {
        int nodes = in.activeNodes().size();
        long waiting = in.waiting();
        if (waiting > in.capacity() && nodes < maxNodes) {
            long start = nodes == 0 ? 1 : Math.min(maxNodes - nodes, waiting / mpps + 1);
            return new Want(nodes + (int) start, "waiting " + waiting + " > capacity " + in.capacity());
        }
        // no launch: the seed stops idle nodes, so only the busy ones are wanted (the idle-time rule decides which go)
        int busyNodes = (int) in.activeNodes().stream().filter(n -> n.busy() > 0).count();
        return new Want(waiting > 0 ? nodes : busyNodes, "waiting " + waiting + " <= capacity " + in.capacity());
    }
}
