package io.impetus.bench;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.management.ManagementClient;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.scaler.Scaler;
import io.impetus.scaler.ScalerOptions;
import io.impetus.scaler.provider.NoneProvider;
import io.impetus.scaler.scaling.SeedPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The scaler's pass with many queues ({@code --scaler-queues N}): declares N throwaway stream job
 * queues of this run's prefix (exclusive to one connection, so they go with it even if the bench
 * dies), starts a real {@link Scaler} in this JVM (provider {@code none}: it decides, never launches)
 * against the real management API, and times {@link Scaler#runOnce()}: the management API's
 * {@code /api/queues} of the whole vhost read, each stream's backlog summed, the policy asked, a
 * report published. Also times that read alone.
 */
final class ScalerPass {
    /** Stream ids of the throwaway queues: {@code PREFIX.stream.scalerq-N.jobs}. */
    static final String STREAM_PREFIX = "scalerq-";

    /** The figures: queues declared, queues in the vhost, streams the scaler saw, each pass and each read alone. */
    record Result(int declared, int vhostQueues, int streamsSeen, List<Double> passMs, List<Double> readMs) {
        String line() {
            return String.format("scaler pass with %d throwaway stream queues (%d queues in the vhost, %d streams seen):"
                    + " %s ms (median %.0f); the management API's /api/queues read alone %s ms (median %.0f)", declared,
                    vhostQueues, streamsSeen, rounded(passMs), Stats.percentile(passMs, 50), rounded(readMs),
                    Stats.percentile(readMs, 50));
        }

        private static List<String> rounded(List<Double> ms) {
            return ms.stream().map(m -> m.isNaN() ? "failed" : String.format("%.0f", m)).toList();
        }
    }

    private ScalerPass() {
    }

    /** Milliseconds {@code step} took, or NaN (said on stderr) when it failed: a busy management API times out. */
    static double timed(Runnable step) {
        long t = System.nanoTime();
        try {
            step.run();
            return (System.nanoTime() - t) / 1e6;
        } catch (RuntimeException e) {
            System.err.printf("impetus bench: scaler pass step failed after %.0f ms: %s%n", (System.nanoTime() - t) / 1e6,
                    e.getMessage());
            return Double.NaN;
        }
    }

    static Result time(ConnectionSettings settings, int queues, int passes) {
        Topology topology = settings.topology();
        ManagementClient management = new ManagementClient(settings);
        try (Broker broker = Brokers.connect(settings, "impetus bench scaler queues")) {
            List<String> names = new ArrayList<>(queues);
            try {
                for (int i = 0; i < queues; i++) {
                    String name = topology.jobsQueue(STREAM_PREFIX + i);
                    broker.declareQueue(new QueueSpec(name, false, true, false, Map.of()));
                    names.add(name);
                }
                String key = System.getProperty(SigningKey.PROPERTY);
                ScalerOptions options = ScalerOptions.builder(settings, new NoneProvider(), new SeedPolicy(1))
                        .maxNodes(1).mpps(1).interval(Duration.ofHours(1)).signingKey(key == null ? null
                                : SigningKey.parse(key, "the bench's signing key")).build();
                List<Double> passMs = new ArrayList<>();
                List<Double> readMs = new ArrayList<>();
                int seen;
                try (Scaler scaler = new Scaler(options)) {
                    scaler.start();
                    timed(scaler::runOnce); // after the loop's first pass, which start() began: passes are serial
                    for (int p = 0; p < passes; p++) {
                        passMs.add(timed(scaler::runOnce));
                        readMs.add(timed(() -> management.queues(topology.prefix() + ".stream.")));
                    }
                    seen = ((Collection<?>) scaler.status().get("streams")).size();
                }
                return new Result(queues, management.queues("").size(), seen, passMs, readMs);
            } finally {
                for (String name : names) {
                    broker.deleteQueue(name, false);
                }
            }
        }
    }
}
