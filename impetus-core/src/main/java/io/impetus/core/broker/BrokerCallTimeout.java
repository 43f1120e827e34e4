package io.impetus.core.broker;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long a call the broker must answer (a declare, bind or delete, a consumer's cancel, a channel's
 * close) may wait before it fails: without it, the RabbitMQ Java client waits 10 minutes, so a broker
 * that accepts connections but no longer answers (wedged, or partitioned away) could hold a node's or a
 * client's shutdown that long. Publishes have their own deadline ({@link PublishDeadline}).
 *
 * <p>{@code IMPETUS_BROKER_CALL_TIMEOUT_MS} is read at the process's edge (the {@code impetus} command,
 * the client's builders), which passes {@link #fromEnvironment} to {@link #useForThisProcess}.
 *
 * @param timeout from the call to the broker's answer
 */
public record BrokerCallTimeout(Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final String ENV_TIMEOUT_MS = "IMPETUS_BROKER_CALL_TIMEOUT_MS";
    public static final BrokerCallTimeout DEFAULTS = new BrokerCallTimeout(DEFAULT_TIMEOUT);

    private static volatile BrokerCallTimeout forThisProcess;

    public BrokerCallTimeout {
        if (timeout == null || timeout.toMillis() < 1000 || timeout.toHours() > 1) {
            throw new InvalidPropertyException(ENV_TIMEOUT_MS, ENV_TIMEOUT_MS
                    + " must be between 1000 ms and 1 h (default " + DEFAULT_TIMEOUT.toMillis() + "), was " + timeout);
        }
    }

    /** This process's timeout, set by its edge ({@link #useForThisProcess}), else {@link #DEFAULTS}. */
    public static BrokerCallTimeout configured() {
        BrokerCallTimeout t = forThisProcess;
        return t != null ? t : DEFAULTS;
    }

    /** Sets this process's timeout, used by every connection opened afterwards. May be repeated; the last call wins. */
    public static void useForThisProcess(BrokerCallTimeout timeout) {
        forThisProcess = Objects.requireNonNull(timeout, "timeout");
    }

    /** The default, changed by {@code IMPETUS_BROKER_CALL_TIMEOUT_MS} in {@code env}. */
    public static BrokerCallTimeout fromEnvironment(Map<String, String> env) {
        String v = env.get(ENV_TIMEOUT_MS);
        if (v == null || v.isBlank()) {
            return DEFAULTS;
        }
        try {
            return new BrokerCallTimeout(Duration.ofMillis(Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            throw new InvalidPropertyException(ENV_TIMEOUT_MS, ENV_TIMEOUT_MS + " must be a whole number of milliseconds,"
                    + " was '" + v + "'");
        }
    }
}
