package io.impetus.core.stream;

import io.impetus.core.error.InvalidPropertyException;
import java.util.LinkedHashMap;
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
 * @param delay default seconds before a job may start, held by the coordinator
 * @param frequency seconds a worker waits between two jobs of this stream
 * @param maxRate jobs per second for the whole stream, or {@code null} for no cap
 * @param timeout seconds a worker waits on an empty stream before it exits; also the idle time
 *     after which nodes stop tracking the stream
 * @param jobTimeout seconds a job may run before its worker is killed, or {@code null}
 * @param maxAttempts attempts before a job is dead-lettered as an error
 * @param mss most jobs a client may have outstanding before {@code fork} blocks, or {@code null}
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
        atLeast("delay", delay, 0);
        atLeast("frequency", frequency, 0);
        if (maxRate != null) {
            positive("maxRate", maxRate);
        }
        positive("timeout", timeout);
        if (jobTimeout != null) {
            positive("jobTimeout", jobTimeout);
        }
        if (maxAttempts < 1) {
            throw new InvalidPropertyException("maxAttempts",
                    "stream property 'maxAttempts' must be at least 1, was " + maxAttempts);
        }
        if (mss != null && mss < 1) {
            throw new InvalidPropertyException("mss",
                    "stream property 'mss' must be at least 1 (or unset for no limit), was " + mss);
        }
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
    }

    private static void within(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidPropertyException(name, "stream property '" + name + "' must be between "
                    + min + " and " + max + ", was " + value);
        }
    }

    private static void atLeast(String name, double value, double min) {
        if (Double.isNaN(value) || value < min) {
            throw new InvalidPropertyException(name, "stream property '" + name + "' must be >= "
                    + min + " seconds, was " + value);
        }
    }

    private static void positive(String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value) || value <= 0) {
            throw new InvalidPropertyException(name, "stream property '" + name
                    + "' must be a positive number, was " + value);
        }
    }

    /** Reads properties from loose key/value pairs (RPC bodies, command-line options). */
    public static StreamProperties fromMap(Map<String, ?> values) {
        return DEFAULTS.with(values);
    }

    /** A copy with {@code changes} applied over these properties; validates the result. */
    public StreamProperties with(Map<String, ?> changes) {
        Builder b = toBuilder();
        Map<String, String> meta = new TreeMap<>(metadata);
        for (Map.Entry<String, ?> e : changes.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            switch (key) {
                case "priority" -> b.priority(asInt(key, v));
                case "maxPriority" -> b.maxPriority(asInt(key, v));
                case "delay" -> b.delay(asDouble(key, v));
                case "frequency" -> b.frequency(asDouble(key, v));
                case "maxRate" -> b.maxRate(v == null ? null : asDouble(key, v));
                case "timeout" -> b.timeout(asDouble(key, v));
                case "jobTimeout" -> b.jobTimeout(v == null ? null : asDouble(key, v));
                case "maxAttempts" -> b.maxAttempts(asInt(key, v));
                case "mss" -> b.mss(v == null ? null : asInt(key, v));
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
        return b.metadata(meta).build();
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

    private static int asInt(String key, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new InvalidPropertyException(key, "stream property '" + key
                + "' must be a whole number, was '" + v + "'");
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
