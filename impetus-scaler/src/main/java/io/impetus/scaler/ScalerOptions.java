package io.impetus.scaler;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.scaling.ScalingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the scaler runs.
 *
 * @param settings where RabbitMQ and its management API are
 * @param provider where nodes come from
 * @param policy how many nodes are wanted
 * @param minNodes fewest nodes kept
 * @param maxNodes most nodes (the seed's mnon)
 * @param mpps worker processes per stream of the nodes it launches
 * @param interval time between two passes
 * @param cooldown no launch within this time after the last one
 * @param hysteresisPasses passes in a row that must want fewer nodes before scaling in
 * @param idleTime a node must be idle this long before it is drained
 * @param httpHost where the status endpoint binds (null: no endpoint)
 * @param httpPort its port (0: any free port)
 * @param httpAuthkey the status endpoint's password
 * @param clock time source
 * @param signingKey when set, drain requests are signed and unsigned node heartbeats are ignored
 */
public record ScalerOptions(ConnectionSettings settings, NodeProvider provider, ScalingPolicy policy, int minNodes,
                            int maxNodes, int mpps, Duration interval, Duration cooldown, int hysteresisPasses,
                            Duration idleTime, String httpHost, int httpPort, String httpAuthkey, Clock clock,
                            io.impetus.core.security.SigningKey signingKey) {
    public static final int DEFAULT_MAX_NODES = 3;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(30);
    public static final int DEFAULT_HYSTERESIS_PASSES = 3;
    public static final Duration DEFAULT_IDLE_TIME = Duration.ofSeconds(300);
    public static final int DEFAULT_HTTP_PORT = 50001;

    public ScalerOptions {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(policy, "policy");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the scaler's interval must be positive, was " + interval);
        }
        clock = clock == null ? Clock.systemUTC() : clock;
    }
}
