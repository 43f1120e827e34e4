package io.impetus.client.internal;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * A duration setting of the client (its value read by {@link ClientEnvironment}): {@code 90s}, {@code 10m}, {@code 2h},
 * {@code 7d}, an ISO-8601 {@code PT10M}, or {@code off} (also {@code 0}, {@code none}).
 *
 * @param env the environment variable ({@code IMPETUS_JOB_DEADLINE})
 * @param property the system property that beats it ({@code impetus.jobDeadline})
 */
public record DurationSetting(String env, String property) {
    /** The client's job deadline: off unless set. */
    public static final DurationSetting JOB_DEADLINE = new DurationSetting("IMPETUS_JOB_DEADLINE", "impetus.jobDeadline");
    /** How long an unused results queue stays: 7 days unless set. */
    public static final DurationSetting RESULTS_EXPIRY = new DurationSetting("IMPETUS_RESULTS_EXPIRY",
            "impetus.resultsExpiry");

    /** {@code text} read, {@code fallback} when it is not set, {@link Duration#ZERO} when it says off. */
    public Duration parseOr(String text, Duration fallback) {
        return text == null || text.isBlank() ? fallback : parse(text);
    }

    /** Reads {@code text}; {@link Duration#ZERO} for off. */
    public Duration parse(String text) {
        String v = text.trim().toLowerCase();
        if (v.equals("off") || v.equals("none") || v.equals("0")) {
            return Duration.ZERO;
        }
        try {
            if (v.startsWith("p")) {
                return positive(Duration.parse(v.toUpperCase()), text);
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return positive(switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            }, text);
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw invalid(text);
        }
    }

    private Duration positive(Duration d, String text) {
        if (d.isNegative()) {
            throw invalid(text);
        }
        return d;
    }

    private InvalidPropertyException invalid(String text) {
        return new InvalidPropertyException(env, env + " must be a duration such as 90s, 10m, 2h or 7d, or off;"
                + " was '" + text + "'");
    }
}
