package io.impetus.scaler;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.security.SigningKey;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.scaling.ScalingPolicy;
import java.time.Clock;
import java.time.Duration;

/**
 * How the scaler runs. Make it with {@link #builder(ConnectionSettings, NodeProvider, ScalingPolicy)};
 * a bad value is refused with its field and how to fix it.
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
                            SigningKey signingKey) {
    public static final int DEFAULT_MAX_NODES = 3;
    public static final int DEFAULT_MPPS = 5;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(30);
    public static final int DEFAULT_HYSTERESIS_PASSES = 3;
    public static final Duration DEFAULT_IDLE_TIME = Duration.ofSeconds(300);
    public static final int DEFAULT_HTTP_PORT = 50001;

    public ScalerOptions {
        require(settings != null, "settings", "is missing: where RabbitMQ and its management API are");
        require(provider != null, "provider", "is missing: --provider local, ec2, kubernetes or none");
        require(policy != null, "policy", "is missing: --policy seed or target");
        require(minNodes >= 0, "minNodes", "must be 0 or more (--min-nodes), was " + minNodes);
        require(maxNodes >= Math.max(1, minNodes), "maxNodes", "must be at least 1 and at least minNodes " + minNodes
                + " (-n/--max-nodes), was " + maxNodes);
        require(mpps >= 1, "mpps", "must be at least 1 (-m/--mpps), was " + mpps);
        require(interval != null && !interval.isNegative() && !interval.isZero(), "interval",
                "must be positive (--interval SECONDS), was " + interval);
        require(cooldown != null && !cooldown.isNegative(), "cooldown", "must be 0 or more (--cooldown SECONDS), was "
                + cooldown);
        require(hysteresisPasses >= 1, "hysteresisPasses", "must be at least 1 (--hysteresis), was " + hysteresisPasses);
        require(idleTime != null && !idleTime.isNegative(), "idleTime", "must be 0 or more (--idle-time SECONDS), was "
                + idleTime);
        require(httpPort >= 0 && httpPort <= 65535, "httpPort", "must be 0 (any free port) to 65535 (-o/--port), was "
                + httpPort);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    private static void require(boolean ok, String field, String what) {
        if (!ok) {
            throw new IllegalArgumentException("the scaler's " + field + " " + what);
        }
    }

    public static Builder builder(ConnectionSettings settings, NodeProvider provider, ScalingPolicy policy) {
        return new Builder(settings, provider, policy);
    }

    /** Builds {@link ScalerOptions} with the defaults above; {@link #build()} checks every field. */
    public static final class Builder {
        private final ConnectionSettings settings;
        private final NodeProvider provider;
        private final ScalingPolicy policy;
        private int minNodes;
        private int maxNodes = DEFAULT_MAX_NODES;
        private int mpps = DEFAULT_MPPS;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration cooldown = DEFAULT_COOLDOWN;
        private int hysteresisPasses = DEFAULT_HYSTERESIS_PASSES;
        private Duration idleTime = DEFAULT_IDLE_TIME;
        private String httpHost;
        private int httpPort = DEFAULT_HTTP_PORT;
        private String httpAuthkey;
        private Clock clock;
        private SigningKey signingKey;

        private Builder(ConnectionSettings settings, NodeProvider provider, ScalingPolicy policy) {
            this.settings = settings;
            this.provider = provider;
            this.policy = policy;
        }

        public Builder minNodes(int v) { minNodes = v; return this; }
        public Builder maxNodes(int v) { maxNodes = v; return this; }
        public Builder mpps(int v) { mpps = v; return this; }
        public Builder interval(Duration v) { interval = v; return this; }
        public Builder cooldown(Duration v) { cooldown = v; return this; }
        public Builder hysteresisPasses(int v) { hysteresisPasses = v; return this; }
        public Builder idleTime(Duration v) { idleTime = v; return this; }
        /** The status endpoint: where it binds ({@code null}: none), its port, its key. */
        public Builder http(String host, int port, String authkey) {
            httpHost = host;
            httpPort = port;
            httpAuthkey = authkey;
            return this;
        }
        public Builder clock(Clock v) { clock = v; return this; }
        public Builder signingKey(SigningKey v) { signingKey = v; return this; }

        public ScalerOptions build() {
            return new ScalerOptions(settings, provider, policy, minNodes, maxNodes, mpps, interval, cooldown,
                    hysteresisPasses, idleTime, httpHost, httpPort, httpAuthkey, clock, signingKey);
        }
    }
}
