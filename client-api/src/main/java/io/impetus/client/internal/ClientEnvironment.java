package io.impetus.client.internal;

import io.impetus.core.broker.BrokerCallTimeout;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.codec.Limits;
import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The client's settings from its process's environment, read once where the client is configured
 * ({@code ClientOptions.Builder.build()}, {@code Impetus.Builder.connect()}) and passed in from there: nothing
 * deeper reads the environment. A system property beats its variable. Each value is parsed when asked for,
 * so a bad variable is refused only when no option was set in its place.
 *
 * @param maxOutstanding {@code IMPETUS_MAX_OUTSTANDING} ({@code impetus.maxOutstanding}), or {@code null}
 * @param jobDeadline {@code IMPETUS_JOB_DEADLINE} ({@code impetus.jobDeadline}), or {@code null}
 * @param resultsExpiry {@code IMPETUS_RESULTS_EXPIRY} ({@code impetus.resultsExpiry}), or {@code null}
 */
public record ClientEnvironment(String maxOutstanding, String jobDeadline, String resultsExpiry) {
    /** Nothing set: every default. */
    public static final ClientEnvironment NONE = new ClientEnvironment(null, null, null);

    /**
     * This process's environment and system properties, read now; the process's decoding limits
     * ({@code IMPETUS_MAX_*}), publish deadline ({@code IMPETUS_CONFIRM_*}) and broker call timeout
     * ({@code IMPETUS_BROKER_CALL_TIMEOUT_MS}) are set from the same environment ({@link Limits#useForThisProcess},
     * {@link PublishDeadline#useForThisProcess}, {@link BrokerCallTimeout#useForThisProcess}).
     */
    public static ClientEnvironment current() {
        Map<String, String> env = System.getenv();
        Limits.useForThisProcess(Limits.fromEnvironment(env));
        PublishDeadline.useForThisProcess(PublishDeadline.fromEnvironment(env));
        BrokerCallTimeout.useForThisProcess(BrokerCallTimeout.fromEnvironment(env));
        return read(env, System::getProperty);
    }

    /** The settings {@code env} and {@code properties} hold (a property beats its variable). */
    public static ClientEnvironment read(Map<String, String> env, UnaryOperator<String> properties) {
        return new ClientEnvironment(
                either(properties.apply("impetus.maxOutstanding"), env.get(Reservations.ENV_MAX)),
                either(properties.apply(DurationSetting.JOB_DEADLINE.property()), env.get(DurationSetting.JOB_DEADLINE.env())),
                either(properties.apply(DurationSetting.RESULTS_EXPIRY.property()),
                        env.get(DurationSetting.RESULTS_EXPIRY.env())));
    }

    private static String either(String property, String variable) {
        return property != null ? property : variable;
    }

    /** The most jobs outstanding in all: the setting, else {@value Reservations#DEFAULT_MAX}. */
    public int maxOutstandingOrDefault() {
        if (maxOutstanding == null || maxOutstanding.isBlank()) {
            return Reservations.DEFAULT_MAX;
        }
        try {
            return Integer.parseInt(maxOutstanding.trim());
        } catch (NumberFormatException e) {
            throw new InvalidPropertyException(Reservations.ENV_MAX, Reservations.ENV_MAX
                    + " must be a whole number of jobs, was '" + maxOutstanding + "'");
        }
    }

    /** The job deadline: the setting, else {@link Duration#ZERO} (none); zero when it says off. */
    public Duration jobDeadlineOrNone() {
        return DurationSetting.JOB_DEADLINE.parseOr(jobDeadline, Duration.ZERO);
    }

    /** The results queues' expiry: the setting, else {@code fallback}; zero when it says off. */
    public Duration resultsExpiryOr(Duration fallback) {
        return DurationSetting.RESULTS_EXPIRY.parseOr(resultsExpiry, fallback);
    }
}
