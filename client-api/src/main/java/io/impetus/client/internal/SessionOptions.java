package io.impetus.client.internal;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.security.SigningKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.impetus.core.topology.TopologyDeclarer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ClientSession} runs: what {@code Client} and {@code Impetus} hand it.
 *
 * @param settings where RabbitMQ is
 * @param clientId the client's id
 * @param extraJars jars (name to bytes) shipped with the job code
 * @param clock time source
 * @param signingKey the installation's signing key, or {@code null} when it signs nothing
 * @param maxOutstanding most jobs outstanding in all before {@code fork} waits
 * @param meters where the client's meters go, or {@code null} for none
 * @param jobDeadline how long after it is due a job's result may take before the job fails with
 *     {@code ResultDeadlineException}, or {@code null} for no deadline
 * @param resultsExpiry how long this client's results queues may stay unused before RabbitMQ
 *     deletes them, or {@code null}/zero for never
 */
public record SessionOptions(ConnectionSettings settings, String clientId, Map<String, byte[]> extraJars, Clock clock,
                             SigningKey signingKey, int maxOutstanding, MeterRegistry meters, Duration jobDeadline,
                             Duration resultsExpiry) {
    /** Options with no job deadline and the default results-queue expiry. */
    public SessionOptions(ConnectionSettings settings, String clientId, Map<String, byte[]> extraJars, Clock clock,
                          SigningKey signingKey, int maxOutstanding, MeterRegistry meters) {
        this(settings, clientId, extraJars, clock, signingKey, maxOutstanding, meters, null,
                TopologyDeclarer.DEFAULT_RESULTS_EXPIRY);
    }

    public SessionOptions {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clientId, "clientId");
        extraJars = Map.copyOf(extraJars);
        clock = clock == null ? Clock.systemUTC() : clock;
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("the most jobs outstanding (" + Reservations.ENV_MAX
                    + ") must be at least 1, was " + maxOutstanding);
        }
        if (jobDeadline != null && (jobDeadline.isZero() || jobDeadline.isNegative())) {
            throw new IllegalArgumentException("the job deadline must be positive, or null for none; was " + jobDeadline);
        }
        if (resultsExpiry != null && resultsExpiry.isNegative()) {
            throw new IllegalArgumentException("the results queues' expiry must not be negative, was " + resultsExpiry);
        }
    }

    /** The client's outstanding bound from {@code IMPETUS_MAX_OUTSTANDING}, else the default (10,000). */
    public static int configuredMaxOutstanding() {
        return ClientEnvironment.current().maxOutstandingOrDefault();
    }
}
