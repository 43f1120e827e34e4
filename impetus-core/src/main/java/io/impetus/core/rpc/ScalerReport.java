package io.impetus.core.rpc;

import io.impetus.core.error.CodecException;
import java.time.Instant;

/**
 * What a scaler reports on {@code scaler.heartbeat} every pass.
 *
 * @param provider its node provider (local, ec2, none)
 * @param nodes nodes reporting heartbeats
 * @param minNodes fewest nodes it keeps
 * @param maxNodes most nodes it starts
 * @param lastDecision its last decision, in words
 * @param sent when
 */
public record ScalerReport(String provider, int nodes, int minNodes, int maxNodes, String lastDecision, Instant sent) {

    /** {@code r} if it says when it was sent, else a {@code CodecException}. */
    public static ScalerReport checked(ScalerReport r) {
        if (r == null || r.sent() == null || r.provider() == null) {
            throw new CodecException("a scaler event needs a provider and sent", null);
        }
        return r;
    }
}
