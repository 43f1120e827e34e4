package io.impetus.client;

import static io.impetus.core.stream.StreamProperties.checkEach;

import io.impetus.core.error.InvalidPropertyException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A stream's properties, typed: what {@code Impetus.stream(id, properties)},
 * {@code Client.openStream} and {@code ClientOptions.Builder.streamProperties} take beside the
 * seed's loose map. Only what is set is sent: a stream that exists keeps every property not named
 * here. Validated as it is built, with a message that names the property. Immutable.
 *
 * <pre>{@code
 * StreamProperties.builder().maxRate(25).jobTimeout(Duration.ofMinutes(2)).maxAttempts(5).build()
 * }</pre>
 */
public final class StreamProperties {
    /** Nothing set: a new stream gets every default, an existing one keeps what it has. */
    public static final StreamProperties DEFAULTS = builder().build();

    /** Where a stream's jobs and results live; fixed when the stream is created. */
    public enum QueueType {
        /** One classic queue with priorities (the default on a single broker). */
        CLASSIC,
        /** Replicated quorum queues, one per band of priorities (for a RabbitMQ cluster). */
        QUORUM
    }

    private static final Set<String> NAMES = Set.of("priority", "maxPriority", "delay", "frequency", "maxRate",
            "timeout", "jobTimeout", "maxAttempts", "mss", "queueType");

    private final Map<String, Object> values;

    private StreamProperties(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The properties as the seed's key/value pairs (times in seconds), only those set, metadata
     * included: what is sent to the coordinator.
     */
    public Map<String, Object> toMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamProperties p && values.equals(p.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "StreamProperties" + values;
    }

    /** Collects properties, each checked as it is set; not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Default priority of the stream's jobs, 0..maxPriority (default 0; at most 255). */
        public Builder priority(int priority) {
            if (priority < 0) {
                throw invalid("priority", "must be >= 0, was " + priority);
            }
            return put("priority", priority);
        }

        /** Highest priority a job may have, 1..255 (default 10); fixed when the stream is created. */
        public Builder maxPriority(int maxPriority) {
            if (maxPriority < 1 || maxPriority > 255) {
                throw invalid("maxPriority", "must be between 1 and 255, was " + maxPriority);
            }
            return put("maxPriority", maxPriority);
        }

        /** How long each job is held before it may start (default none; at most a year, 366 days), by the coordinator. */
        public Builder delay(Duration delay) {
            return put("delay", seconds("delay", delay, false));
        }

        /** How long a worker waits between two jobs of this stream (pacing; default none; at most a year). */
        public Builder frequency(Duration frequency) {
            return put("frequency", seconds("frequency", frequency, false));
        }

        /** Most jobs per second for the whole stream across every node (default: no cap; at most 1,000,000). */
        public Builder maxRate(double jobsPerSecond) {
            if (!(jobsPerSecond > 0) || Double.isInfinite(jobsPerSecond)) {
                throw invalid("maxRate", "must be a positive number of jobs per second, was " + jobsPerSecond);
            }
            return put("maxRate", jobsPerSecond);
        }

        /** How long a worker waits on an empty stream before it exits; also the stream's idle time (default 15 s; at most a year). */
        public Builder timeout(Duration timeout) {
            return put("timeout", seconds("timeout", timeout, true));
        }

        /** How long one job may run before its worker is killed and the job fails (default: no limit; at most a year). */
        public Builder jobTimeout(Duration jobTimeout) {
            return put("jobTimeout", seconds("jobTimeout", jobTimeout, true));
        }

        /** Attempts before a job ends as an error (default 3; at most 10,000). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw invalid("maxAttempts", "must be at least 1, was " + maxAttempts);
            }
            return put("maxAttempts", maxAttempts);
        }

        /** Most jobs a client may have outstanding in this stream before {@code fork} waits (default: no limit; at most 1,000,000). */
        public Builder mss(int mss) {
            if (mss < 1) {
                throw invalid("mss", "must be at least 1, was " + mss);
            }
            return put("mss", mss);
        }

        /** The stream's queue type; fixed when the stream is created (default: the coordinator's). */
        public Builder queueType(QueueType type) {
            return put("queueType", Objects.requireNonNull(type, "queueType").name().toLowerCase(Locale.ROOT));
        }

        /** A free property, kept with the stream as given (the seed used them to steer scaling). */
        public Builder metadata(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (NAMES.contains(key)) {
                throw invalid(key, "is a stream property with a meaning: set it with its own method");
            }
            if (key.isBlank()) {
                throw new IllegalArgumentException("a metadata key must not be blank");
            }
            return put(key, value);
        }

        /**
         * The properties set so far.
         *
         * @throws IllegalArgumentException when priority is above maxPriority
         */
        public StreamProperties build() {
            if (values.get("priority") instanceof Integer p && values.get("maxPriority") instanceof Integer max
                    && p > max) {
                throw invalid("priority", "must not be above maxPriority " + max + ", was " + p);
            }
            return new StreamProperties(values);
        }

        private Builder put(String key, Object value) {
            try { // each property's range, in one home: the coordinator checks the same
                checkEach(Map.of(key, value));
            } catch (InvalidPropertyException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            values.put(key, value);
            return this;
        }

        private static double seconds(String name, Duration d, boolean positive) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || (positive && d.isZero())) {
                throw invalid(name, "must be " + (positive ? "positive" : "zero or more") + ", was " + d);
            }
            return d.getSeconds() + d.getNano() / 1e9;
        }

        private static IllegalArgumentException invalid(String name, String what) {
            return new IllegalArgumentException("stream property '" + name + "' " + what);
        }
    }
}
