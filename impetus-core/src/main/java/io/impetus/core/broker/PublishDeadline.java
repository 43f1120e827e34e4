package io.impetus.core.broker;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How long a publish may wait for its confirm, and how often it is sent again when none comes (or
 * the broker nacks it) before its future fails with {@code TIMEOUT}. Sending again is safe: a job's
 * or result's message id is its job id, and receivers drop what they already have. While RabbitMQ
 * blocks the connection (a memory or disk alarm) a publish past its deadline fails at once, saying
 * so: sending it again into a connection the broker does not read would only pile up copies.
 *
 * <p>{@code IMPETUS_CONFIRM_TIMEOUT_MS} and {@code IMPETUS_CONFIRM_RESENDS} are read at the process's edge (the
 * {@code impetus} command, the client's builders), which passes {@link #fromEnvironment} to
 * {@link #useForThisProcess}; nothing here reads the environment.
 *
 * @param confirmTimeout from the call to {@code publish} to the broker's confirm
 * @param resends how many more times a message without a confirm is sent
 */
public record PublishDeadline(Duration confirmTimeout, int resends) {
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RESENDS = 2;
    public static final String ENV_CONFIRM_TIMEOUT_MS = "IMPETUS_CONFIRM_TIMEOUT_MS";
    public static final String ENV_CONFIRM_RESENDS = "IMPETUS_CONFIRM_RESENDS";
    public static final PublishDeadline DEFAULTS = new PublishDeadline(DEFAULT_CONFIRM_TIMEOUT, DEFAULT_RESENDS);

    /** This process's deadline, set by its edge ({@link #useForThisProcess}); {@code null}: the defaults. */
    private static volatile PublishDeadline forThisProcess;

    public PublishDeadline {
        if (confirmTimeout == null || confirmTimeout.toMillis() < 100 || confirmTimeout.toHours() > 24) {
            throw new InvalidPropertyException(ENV_CONFIRM_TIMEOUT_MS, ENV_CONFIRM_TIMEOUT_MS
                    + " must be between 100 ms and 24 h, was " + confirmTimeout);
        }
        if (resends < 0 || resends > 100) {
            throw new InvalidPropertyException(ENV_CONFIRM_RESENDS, ENV_CONFIRM_RESENDS
                    + " must be between 0 and 100, was " + resends);
        }
    }

    /**
     * The deadline of this process: what its edge set with {@link #useForThisProcess}, else {@link #DEFAULTS}.
     * A connection opened without a deadline of its own ({@code Brokers.connect(settings, name)}) uses it.
     */
    public static PublishDeadline configured() {
        PublishDeadline d = forThisProcess;
        return d != null ? d : DEFAULTS;
    }

    /**
     * Sets the deadline of this process, read where it starts (a command, a client's builder) and used by every
     * connection opened afterwards. May be repeated; the last call wins.
     */
    public static void useForThisProcess(PublishDeadline deadline) {
        forThisProcess = Objects.requireNonNull(deadline, "deadline");
    }

    /** The defaults, changed by {@code IMPETUS_CONFIRM_TIMEOUT_MS} and {@code IMPETUS_CONFIRM_RESENDS} in {@code env}. */
    public static PublishDeadline fromEnvironment(Map<String, String> env) {
        return new PublishDeadline(Duration.ofMillis(number(env, ENV_CONFIRM_TIMEOUT_MS,
                DEFAULT_CONFIRM_TIMEOUT.toMillis())), (int) number(env, ENV_CONFIRM_RESENDS, DEFAULT_RESENDS));
    }

    /** How often overdue confirms are looked for: a quarter of the deadline, at most once a second. */
    public Duration checkInterval() {
        return Duration.ofMillis(Math.max(25, Math.min(1000, confirmTimeout.toMillis() / 4)));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidPropertyException(name, name + " must be a whole number, was '" + v + "'");
        }
    }
}
