package io.impetus.client.internal;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.security.SigningKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
 */
public record SessionOptions(ConnectionSettings settings, String clientId, Map<String, byte[]> extraJars, Clock clock,
                             SigningKey signingKey, int maxOutstanding, MeterRegistry meters) {
    public SessionOptions {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clientId, "clientId");
        extraJars = Map.copyOf(extraJars);
        clock = clock == null ? Clock.systemUTC() : clock;
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("the most jobs outstanding (" + Reservations.ENV_MAX
                    + ") must be at least 1, was " + maxOutstanding);
        }
    }

    /** The client's outstanding bound from {@code IMPETUS_MAX_OUTSTANDING}, else the default (10,000). */
    public static int configuredMaxOutstanding() {
        return Reservations.configuredMax();
    }
}
