package io.impetus.core.codec;

import io.impetus.core.error.InvalidPropertyException;
import java.util.Map;
import java.util.Objects;

/**
 * How large an inbound message or code bundle may be, so that no message can make a process run
 * out of memory (a 3 MB zlib body can inflate to gigabytes). Over a limit, decoding fails with a
 * {@link LimitExceededException} naming the limit; the message is dead-lettered, never retried.
 *
 * <p>Each limit can be changed with an environment variable (bytes or a count): see
 * {@link #fromEnvironment(Map)} and the README's "Limits". The environment is read at the process's edge,
 * which passes the result to {@link #useForThisProcess}; nothing here reads it.
 *
 * @param maxMessageBytes largest message body taken from the broker, as it arrives
 * @param maxInflatedBytes largest body after inflating a {@code deflate} one
 * @param maxBundleBytes largest code bundle: its zip, and all its entries inflated together
 * @param maxBundleEntries most entries (classes and jars) in one code bundle
 */
public record Limits(long maxMessageBytes, long maxInflatedBytes, long maxBundleBytes, int maxBundleEntries) {
    public static final long MIB = 1024L * 1024L;
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64 * MIB;
    public static final long DEFAULT_MAX_INFLATED_BYTES = 64 * MIB;
    public static final long DEFAULT_MAX_BUNDLE_BYTES = 64 * MIB;
    public static final int DEFAULT_MAX_BUNDLE_ENTRIES = 10_000;
    /** Java arrays stop a little short of 2 GiB. */
    public static final long HARD_MAX = Integer.MAX_VALUE - 64;

    public static final String ENV_MAX_MESSAGE_BYTES = "IMPETUS_MAX_MESSAGE_BYTES";
    public static final String ENV_MAX_INFLATED_BYTES = "IMPETUS_MAX_INFLATED_BYTES";
    public static final String ENV_MAX_BUNDLE_BYTES = "IMPETUS_MAX_BUNDLE_BYTES";
    public static final String ENV_MAX_BUNDLE_ENTRIES = "IMPETUS_MAX_BUNDLE_ENTRIES";

    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_INFLATED_BYTES,
            DEFAULT_MAX_BUNDLE_BYTES, DEFAULT_MAX_BUNDLE_ENTRIES);

    /** This process's limits, set by its edge ({@link #useForThisProcess}); {@code null}: the defaults. */
    private static volatile Limits forThisProcess;

    public Limits {
        check(ENV_MAX_MESSAGE_BYTES, maxMessageBytes);
        check(ENV_MAX_INFLATED_BYTES, maxInflatedBytes);
        check(ENV_MAX_BUNDLE_BYTES, maxBundleBytes);
        check(ENV_MAX_BUNDLE_ENTRIES, maxBundleEntries);
    }

    /**
     * The limits of this process: what its edge set with {@link #useForThisProcess} (the {@code impetus}
     * command and the client's builders set {@link #fromEnvironment} of the process's environment), else the
     * defaults.
     */
    public static Limits configured() {
        Limits l = forThisProcess;
        return l != null ? l : DEFAULTS;
    }

    /**
     * Sets the limits of this process, read where it starts (a command, a client's builder) and used by every
     * decoder made afterwards. May be repeated; the last call wins.
     */
    public static void useForThisProcess(Limits limits) {
        forThisProcess = Objects.requireNonNull(limits, "limits");
    }

    /** The defaults, changed by whichever {@code IMPETUS_MAX_*} variables {@code env} sets. */
    public static Limits fromEnvironment(Map<String, String> env) {
        return new Limits(
                number(env, ENV_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES),
                number(env, ENV_MAX_INFLATED_BYTES, DEFAULT_MAX_INFLATED_BYTES),
                number(env, ENV_MAX_BUNDLE_BYTES, DEFAULT_MAX_BUNDLE_BYTES),
                (int) Math.min(Integer.MAX_VALUE, number(env, ENV_MAX_BUNDLE_ENTRIES, DEFAULT_MAX_BUNDLE_ENTRIES)));
    }

    /** A copy with another inflated-size limit (tests, tools). */
    public Limits withMaxInflatedBytes(long v) {
        return new Limits(maxMessageBytes, v, maxBundleBytes, maxBundleEntries);
    }

    /** A copy with other bundle limits. */
    public Limits withBundle(long bytes, int entries) {
        return new Limits(maxMessageBytes, maxInflatedBytes, bytes, entries);
    }

    /** A copy with another message-size limit. */
    public Limits withMaxMessageBytes(long v) {
        return new Limits(v, maxInflatedBytes, maxBundleBytes, maxBundleEntries);
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

    private static void check(String name, long v) {
        if (v < 1 || v > HARD_MAX) {
            throw new InvalidPropertyException(name, name + " must be between 1 and " + HARD_MAX + ", was " + v);
        }
    }
}
