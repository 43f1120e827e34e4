package io.impetus.scaler.scaling;

/**
 * Decides how many nodes there should be. Pure: the same inputs give the same answer; limits,
 * cooldown and hysteresis are applied around it by {@link Guardrails}.
 */
@FunctionalInterface
public interface ScalingPolicy {
    /**
     * @param in the backlog and the nodes
     * @param mpps worker processes per stream of a node the scaler would launch
     * @return the number of active nodes wanted, with the reason
     */
    Want desired(ScalingInputs in, int mpps);

    /** A wish and why. */
    record Want(int nodes, String reason) {
    }
}
