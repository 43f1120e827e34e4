package io.impetus.scaler.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The limits around a policy: minNodes/maxNodes, a cooldown after a launch, hysteresis (scale in
 * only after several passes in a row want fewer nodes), and scale-in only of nodes idle longer
 * than idleTime — never of a node that is running a job. Blocked nodes are drained and replaced.
 * Keeps its state between passes; not thread-safe (one scaler loop calls it).
 */
public final class Guardrails {
    private final int minNodes;
    private final int maxNodes;
    private final Duration cooldown;
    private final int hysteresisPasses;
    private final Duration idleTime;
    private Instant lastLaunch = Instant.MIN;
    private int lowPasses;

    public Guardrails(int minNodes, int maxNodes, Duration cooldown, int hysteresisPasses, Duration idleTime) {
        if (minNodes < 0 || maxNodes < Math.max(1, minNodes)) {
            throw new IllegalArgumentException("need 0 <= minNodes <= maxNodes and maxNodes >= 1, were " + minNodes
                    + " and " + maxNodes);
        }
        this.minNodes = minNodes;
        this.maxNodes = maxNodes;
        this.cooldown = cooldown;
        this.hysteresisPasses = Math.max(1, hysteresisPasses);
        this.idleTime = idleTime;
    }

    /**
     * @param in the inputs
     * @param want what the policy wants
     * @param starting nodes launched that do not report yet
     */
    public Decision decide(ScalingInputs in, ScalingPolicy.Want want, int starting) {
        Instant now = in.now();
        List<NodeView> active = in.activeNodes();
        int n = active.size();
        int wanted = Math.max(minNodes, Math.min(maxNodes, want.nodes()));
        StringBuilder reason = new StringBuilder(want.reason());
        // a blocked node drains itself; it still has to be terminated once drained, and it no longer counts as
        // active, so the launch below replaces it
        List<String> replace = in.nodes().stream().filter(NodeView::blocked).map(NodeView::nodeId).toList();

        int launch = Math.max(0, wanted - n - starting);
        if (launch > 0 && Duration.between(lastLaunch, now).compareTo(cooldown) < 0) {
            reason.append("; launch of ").append(launch).append(" held by the cooldown");
            launch = 0;
        } else if (launch > 0) {
            lastLaunch = now;
        }

        List<String> drain = new ArrayList<>();
        if (wanted < n) {
            lowPasses++;
            if (lowPasses >= hysteresisPasses) {
                int spare = n - Math.max(wanted, minNodes);
                active.stream()
                        .filter(x -> x.busy() == 0 && Duration.between(x.lastActivity(), now).compareTo(idleTime) >= 0)
                        .sorted(Comparator.comparing(NodeView::lastActivity))
                        .limit(spare)
                        .forEach(x -> drain.add(x.nodeId()));
                if (drain.size() < spare) {
                    reason.append("; ").append(spare - drain.size()).append(" spare node(s) not idle for ")
                            .append(idleTime.toSeconds()).append(" s yet");
                }
            } else {
                reason.append("; fewer nodes wanted (pass ").append(lowPasses).append(" of ").append(hysteresisPasses)
                        .append(" before scaling in)");
            }
        } else {
            lowPasses = 0;
        }
        return new Decision(now, n, in.waiting(), in.running(), wanted, launch, drain, replace, reason.toString());
    }
}
