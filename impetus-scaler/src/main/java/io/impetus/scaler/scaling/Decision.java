package io.impetus.scaler.scaling;

import java.time.Instant;
import java.util.List;

/**
 * What the scaler decided in one pass, with its inputs, for the log and the status endpoint.
 *
 * @param at when
 * @param nodes active nodes seen
 * @param waiting jobs waiting
 * @param running jobs taken by nodes
 * @param wanted what the policy wanted, after the limits
 * @param launch how many nodes to start
 * @param drain nodes to drain (idle long enough), and why
 * @param replace blocked nodes to drain and replace
 * @param reason the policy's reason and any guard rail that held it back
 */
public record Decision(Instant at, int nodes, long waiting, long running, int wanted, int launch, List<String> drain,
                       List<String> replace, String reason) {
    public Decision {
        drain = List.copyOf(drain);
        replace = List.copyOf(replace);
    }

    public boolean changesSomething() {
        return launch > 0 || !drain.isEmpty() || !replace.isEmpty();
    }
}
