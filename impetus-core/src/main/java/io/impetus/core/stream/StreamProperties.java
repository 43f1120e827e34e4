package io.impetus.core.stream;

import io.impetus.core.error.InvalidPropertyException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stream's properties, validated when built. Optional limits are {@code null} when unset.
 * Unknown keys given to {@link #fromMap} are kept as free {@link #metadata()} (the seed used
 * them to steer scaling).
 *
 * @param priority default job priority, 0..maxPriority
 * @param maxPriority the jobs queue's {@code x-max-priority}, 1..255
 * @param delay default seconds before a job may start, held by the coordinator; 0..{@link #MAX_SECONDS}
 * @param frequency seconds a worker waits between two jobs of this stream; 0..{@link #MAX_SECONDS}
 * @param maxRate jobs per second for the whole stream, above 0 and at most {@link #MAX_RATE}, or {@code null}
 *     for no cap
 * @param timeout seconds a worker waits on an empty stream before it exits; also the idle time
 *     after which nodes stop tracking the stream
 * @param jobTimeout seconds a job may run before its worker is killed, or {@code null}
 * @param maxAttempts attempts before a job is dead-lettered as an error, 1..{@link #MAX_ATTEMPTS}
 * @param mss most jobs a client may have outstanding before {@code fork} blocks, 1..{@link #MAX_MSS}, or
 *     {@code null}
 * @param queueType the kind of queue the stream's jobs and results live in, fixed at creation;
 *     {@code null} until the coordinator fills in its default ({@code --default-queue-type}), and
 *     read as classic for streams created before the property existed
 * @param metadata free properties, kept as given
 */
public record StreamProperties(
        int priority,
        int maxPriority,
        double delay,
        double frequency,
        Double maxRate,
        double timeout,
        Double jobTimeout,
        int maxAttempts,
        Integer mss,
        QueueType queueType,
        Map<String, String> metadata) {

    public static final int DEFAULT_PRIORITY = 0;
    public static final int DEFAULT_MAX_PRIORITY = 10;
    public static final int MAX_MAX_PRIORITY = 255;
    public static final double DEFAULT_DELAY = 0;
    public static final double DEFAULT_FREQUENCY = 0;
    public static final double DEFAULT_TIMEOUT = 15;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /**
     * The longest time any property may give (delay, frequency, timeout, jobTimeout): a year of 366
     * days, 31,622,400 s; a job's own delay has the same bound ({@code JobChecks}).
     */
    public static final double MAX_SECONDS = 366 * 24 * 3600.0;
    /** The highest {@code maxRate}, in jobs per second; unset for no cap. */
    public static final double MAX_RATE = 1_000_000;
    /** The most attempts a job may have; a job envelope with more is refused ({@code JobChecks}). */
    public static final int MAX_ATTEMPTS = 10_000;
    /** The highest {@code mss}; unset for no limit. */
    public static final int MAX_MSS = 1_000_000;

    /** The property names with a meaning; every other key is metadata. */
    public static final Set<String> KNOWN = Set.of("priority", "maxPriority", "delay", "frequency",
            "maxRate", "timeout", "jobTimeout", "maxAttempts", "mss", "queueType");

    /** Properties that cannot change once the stream's queue exists. */
    public static final Set<String> FIXED_AFTER_CREATE = Set.of("maxPriority", "queueType");

    /** Most priority band queues a quorum stream gets. */
    public static final int MAX_BANDS = 4;

    public static final StreamProperties DEFAULTS = builder().build();

    public StreamProperties {
        within("maxPriority", maxPriority, 1, MAX_MAX_PRIORITY);
        within("priority", priority, 0, maxPriority);
        seconds("delay", delay, false);
        seconds("frequency", frequency, false);
        if (maxRate != null) {
            rate(maxRate);
        }
        seconds("timeout", timeout, true);
        if (jobTimeout != null) {
            seconds("jobTimeout", jobTimeout, true);
        }
        within("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS);
        if (mss != null) {
            within("mss", mss, 1, MAX_MSS);
        }
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
    }

    private static void within(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw outside(name, min, max, value);
        }
    }

    private static InvalidPropertyException outside(String name, int min, int max, Object value) {
        return new InvalidPropertyException(name, "stream property '" + name + "' must be between " + min + " and "
                + max + (name.equals("mss") ? " (or unset for no limit)" : "") + ", was " + value);
    }

    /** A time in seconds: finite, at most {@link #MAX_SECONDS}, and above zero when {@code positive}. */
    private static void seconds(String name, double value, boolean positive) {
        boolean low = positive ? !(value > 0) : !(value >= 0);
        if (low || !(value <= MAX_SECONDS)) {
            throw new InvalidPropertyException(name, "stream property '" + name + "' must be "
                    + (positive ? "above 0" : "between 0") + (positive ? " and at most " : " and ")
                    + (long) MAX_SECONDS + " seconds (a year), was " + value);
        }
    }

    private static void rate(double value) {
        if (!(value > 0) || !(value <= MAX_RATE)) {
            throw new InvalidPropertyException("maxRate", "stream property 'maxRate' must be a positive number"
                    + " of jobs per second, at most " + (long) MAX_RATE + " (or unset for no cap), was " + value);
        }
    }

    /** Reads properties from loose key/value pairs (RPC bodies, command-line options). */
    public static StreamProperties fromMap(Map<String, ?> values) {
        return DEFAULTS.with(values);
    }

    /**
     * Checks each property of {@code values} alone against its range, as {@link #with} would, without
     * the checks across properties (priority against maxPriority) that need the stream's other values:
     * what a client can know before it asks to create or change a stream.
     *
     * @throws InvalidPropertyException naming the first property out of range, its value and its range
     */
    public static void checkEach(Map<String, ?> values) {
        Builder b = builder();
        Map<String, String> meta = new TreeMap<>();
        values.forEach((key, v) -> set(b, meta, key, v));
    }

    /**
     * Reads properties saved before their bounds existed: a time, rate, attempts or mss past its
     * bound reads as the bound (such a stream failed every job anyway), so that one old row cannot
     * stop a coordinator from loading its streams; every other value is checked as {@link #fromMap} does.
     */
    public static StreamProperties stored(Map<String, ?> values) {
        Map<String, Object> clamped = new LinkedHashMap<>(values);
        for (String key : List.of("delay", "frequency", "timeout", "jobTimeout")) {
            clamp(clamped, key, MAX_SECONDS);
        }
        clamp(clamped, "maxRate", MAX_RATE);
        clamp(clamped, "maxAttempts", MAX_ATTEMPTS);
        clamp(clamped, "mss", MAX_MSS);
        return fromMap(clamped);
    }

    private static void clamp(Map<String, Object> values, String key, double max) {
        Object v = values.get(key);
        if (v == null) {
            return;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            return; // fromMap says what is wrong with it
        }
        if (d > max) {
            values.put(key, max == Math.rint(max) ? (Object) (long) max : (Object) max);
        }
    }

    /** A copy with {@code changes} applied over these properties; validates the result. */
    public StreamProperties with(Map<String, ?> changes) {
        Builder b = toBuilder();
        Map<String, String> meta = new TreeMap<>(metadata);
        changes.forEach((key, v) -> set(b, meta, key, v));
        return b.metadata(meta).build();
    }

    /** Sets property {@code key} to {@code v} (metadata for an unknown key), checking its value alone. */
    private static void set(Builder b, Map<String, String> meta, String key, Object v) {
        switch (key) {
            case "priority" -> b.priority(whole(key, v, 0, MAX_MAX_PRIORITY));
            case "maxPriority" -> b.maxPriority(whole(key, v, 1, MAX_MAX_PRIORITY));
            case "delay" -> b.delay(checkedSeconds(key, v, false));
            case "frequency" -> b.frequency(checkedSeconds(key, v, false));
            case "maxRate" -> b.maxRate(v == null ? null : checkedRate(v));
            case "timeout" -> b.timeout(checkedSeconds(key, v, true));
            case "jobTimeout" -> b.jobTimeout(v == null ? null : checkedSeconds(key, v, true));
            case "maxAttempts" -> b.maxAttempts(whole(key, v, 1, MAX_ATTEMPTS));
            case "mss" -> b.mss(v == null ? null : whole(key, v, 1, MAX_MSS));
            case "queueType" -> b.queueType(v == null ? null : QueueType.parse(key, v));
            default -> {
                if (v == null) {
                    meta.remove(key);
                } else {
                    meta.put(key, String.valueOf(v));
                }
            }
        }
    }

    private static double checkedSeconds(String key, Object v, boolean positive) {
        double d = asDouble(key, v);
        seconds(key, d, positive);
        return d;
    }

    private static double checkedRate(Object v) {
        double d = asDouble("maxRate", v);
        rate(d);
        return d;
    }

    /** The properties as key/value pairs, unset limits left out, metadata included. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("priority", priority);
        map.put("maxPriority", maxPriority);
        map.put("delay", delay);
        map.put("frequency", frequency);
        if (maxRate != null) {
            map.put("maxRate", maxRate);
        }
        map.put("timeout", timeout);
        if (jobTimeout != null) {
            map.put("jobTimeout", jobTimeout);
        }
        map.put("maxAttempts", maxAttempts);
        if (mss != null) {
            map.put("mss", mss);
        }
        if (queueType != null) {
            map.put("queueType", queueType.wireName());
        }
        map.putAll(new TreeMap<>(metadata));
        return map;
    }

    /** The queue type, classic when unset (a stream created before queue types existed). */
    public QueueType queueTypeOrClassic() {
        return queueType == null ? QueueType.CLASSIC : queueType;
    }

    /**
     * How many jobs queues the stream has: one for a classic stream (its priorities live in the
     * queue), and for a quorum stream one per band of priorities, {@code min(MAX_BANDS, maxPriority + 1)}.
     */
    public int bands() {
        return queueTypeOrClassic() == QueueType.CLASSIC ? 1 : Math.min(MAX_BANDS, maxPriority + 1);
    }

    /** The band (0 = lowest) of a job of {@code priority}: equal ranges of {@code 0..maxPriority}. */
    public int band(int priority) {
        int p = Math.max(0, Math.min(priority, maxPriority));
        return p * bands() / (maxPriority + 1);
    }

    /** Names of the properties whose values differ between this and {@code other}. */
    public Set<String> differences(StreamProperties other) {
        Map<String, Object> mine = toMap();
        Map<String, Object> theirs = other.toMap();
        Set<String> keys = new TreeSet<>(mine.keySet());
        keys.addAll(theirs.keySet());
        keys.removeIf(k -> Objects.equals(mine.get(k), theirs.get(k)));
        return keys;
    }

    /** A whole number between {@code min} and {@code max}; one past the range of an int is reported as given. */
    private static int whole(String key, Object v, int min, int max) {
        Double d = null;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String str) {
            try {
                d = Double.parseDouble(str.trim());
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        if (d == null || d != Math.rint(d)) {
            throw new InvalidPropertyException(key, "stream property '" + key
                    + "' must be a whole number, was '" + v + "'");
        }
        if (d < min || d > max) {
            throw outside(key, min, max, v);
        }
        return d.intValue();
    }

    private static double asDouble(String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new InvalidPropertyException(key, "stream property '" + key
                + "' must be a number of seconds, was '" + v + "'");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().priority(priority).maxPriority(maxPriority).delay(delay)
                .frequency(frequency).maxRate(maxRate).timeout(timeout).jobTimeout(jobTimeout)
                .maxAttempts(maxAttempts).mss(mss).queueType(queueType).metadata(metadata);
    }

    /** Starts from the defaults in the design; {@link #build()} validates across fields. */
    public static final class Builder {
        private int priority = DEFAULT_PRIORITY;
        private int maxPriority = DEFAULT_MAX_PRIORITY;
        private double delay = DEFAULT_DELAY;
        private double frequency = DEFAULT_FREQUENCY;
        private Double maxRate;
        private double timeout = DEFAULT_TIMEOUT;
        private Double jobTimeout;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Integer mss;
        private QueueType queueType;
        private Map<String, String> metadata = Map.of();

        public Builder priority(int v) { priority = v; return this; }
        public Builder maxPriority(int v) { maxPriority = v; return this; }
        public Builder delay(double v) { delay = v; return this; }
        public Builder frequency(double v) { frequency = v; return this; }
        public Builder maxRate(Double v) { maxRate = v; return this; }
        public Builder timeout(double v) { timeout = v; return this; }
        public Builder jobTimeout(Double v) { jobTimeout = v; return this; }
        public Builder maxAttempts(int v) { maxAttempts = v; return this; }
        public Builder mss(Integer v) { mss = v; return this; }
        public Builder queueType(QueueType v) { queueType = v; return this; }
        public Builder metadata(Map<String, String> v) { metadata = v; return this; }

        public StreamProperties build() {
            return new StreamProperties(priority, maxPriority, delay, frequency, maxRate, timeout,
                    jobTimeout, maxAttempts, mss, queueType, metadata);
        }
    }
}
