package io.impetus.client;

import static io.impetus.core.config.OptionCheck.require;
import static io.impetus.core.stream.StreamProperties.MAX_MAX_PRIORITY;
import static io.impetus.core.stream.StreamProperties.MAX_SECONDS;

import io.impetus.core.stream.StreamId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-job choices for {@code fork}: priority, delay, the stage that gets the result, the stream.
 * Each is unset by default and then takes the stream's (or the client's) default. Immutable and
 * validated: build with {@link #builder()} ({@code ForkOptions.builder().priority(9).delay(d).build()}), or
 * start from {@link #DEFAULTS} or a static factory and add with {@code with…}, each a validated copy:
 * {@code ForkOptions.priority(9).withDelay(Duration.ofSeconds(30))}.
 */
public final class ForkOptions {
    /** The longest delay a job may have: a year (366 days, 31,622,400 s), as a stream's {@code delay}. */
    public static final Duration MAX_DELAY = Duration.ofSeconds((long) MAX_SECONDS);

    /** Every choice unset: the stream's priority and delay, the next stage, the client's stream. */
    public static final ForkOptions DEFAULTS = new ForkOptions(null, null, null, null);

    private final Integer priority;
    private final Duration delay;
    private final String callback;
    private final String stream;

    private ForkOptions(Integer priority, Duration delay, String callback, String stream) {
        require(priority == null || (priority >= 0 && priority <= MAX_MAX_PRIORITY), "job priority",
                "between 0 and " + MAX_MAX_PRIORITY + " (higher runs first)", priority,
                "ForkOptions.builder().priority(n) or ForkOptions.priority(n)");
        require(delay == null || (!delay.isNegative() && delay.compareTo(MAX_DELAY) <= 0), "job delay",
                "between 0 and " + MAX_DELAY.toDays() + " days (" + MAX_DELAY.getSeconds() + " s)", delay,
                "ForkOptions.builder().delay(d) or ForkOptions.delay(d)");
        require(callback == null || !callback.isBlank(), "the callback", "a stage's name, not blank",
                "'" + callback + "'",
                "ForkOptions.builder().callback(\"stage\") or ForkOptions.callback(\"stage\")");
        if (stream != null) {
            StreamId.check("stream", stream);
        }
        this.priority = priority;
        this.delay = delay;
        this.callback = callback;
        this.stream = stream;
    }

    /** Every choice unset; {@link Builder#build()} validates. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects per-job choices; each is unset unless given. */
    public static final class Builder {
        private Integer priority;
        private Duration delay;
        private String callback;
        private String stream;

        private Builder() {
        }

        /** The job's priority (0..the stream's maxPriority, higher runs first; above it is capped; at most 255). */
        public Builder priority(int v) { priority = v; return this; }
        /** How long the job waits before it may start (held by the coordinator), at most {@link #MAX_DELAY}. */
        public Builder delay(Duration v) { delay = v; return this; }
        /** The stage that gets the result. */
        public Builder callback(String v) { callback = v; return this; }
        /** The stream to fork into (opened first with {@code openStream} or {@code Impetus.stream}). */
        public Builder stream(String v) { stream = v; return this; }

        /** The options, validated. */
        public ForkOptions build() {
            return new ForkOptions(priority, delay, callback, stream);
        }
    }

    /** A job of {@code priority} (0..the stream's maxPriority, higher runs first; above it is capped). */
    public static ForkOptions priority(int priority) {
        return DEFAULTS.withPriority(priority);
    }

    /** A job that may start only after {@code delay} (held by the coordinator, never by a worker), at most {@link #MAX_DELAY}. */
    public static ForkOptions delay(Duration delay) {
        return DEFAULTS.withDelay(delay);
    }

    /** A job whose result goes to the stage named {@code stage}. */
    public static ForkOptions callback(String stage) {
        return DEFAULTS.withCallback(stage);
    }

    /** A job forked into {@code stream} (opened first with {@code openStream} or {@code Impetus.stream}). */
    public static ForkOptions stream(String stream) {
        return DEFAULTS.withStream(stream);
    }

    /** A copy with {@code priority}. */
    public ForkOptions withPriority(int priority) {
        return new ForkOptions(priority, delay, callback, stream);
    }

    /** A copy with {@code delay}. */
    public ForkOptions withDelay(Duration delay) {
        return new ForkOptions(priority, Objects.requireNonNull(delay, "delay"), callback, stream);
    }

    /** A copy whose result goes to {@code stage}. */
    public ForkOptions withCallback(String stage) {
        return new ForkOptions(priority, delay, Objects.requireNonNull(stage, "stage"), stream);
    }

    /** A copy forked into {@code stream}. */
    public ForkOptions withStream(String stream) {
        return new ForkOptions(priority, delay, callback, Objects.requireNonNull(stream, "stream"));
    }

    /** The job's priority, if set. */
    public OptionalInt priority() {
        return priority == null ? OptionalInt.empty() : OptionalInt.of(priority);
    }

    /** The job's delay, if set. */
    public Optional<Duration> delay() {
        return Optional.ofNullable(delay);
    }

    /** The stage that gets the result, if set. */
    public Optional<String> callback() {
        return Optional.ofNullable(callback);
    }

    /** The stream to fork into, if set. */
    public Optional<String> stream() {
        return Optional.ofNullable(stream);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForkOptions f && Objects.equals(priority, f.priority) && Objects.equals(delay, f.delay)
                && Objects.equals(callback, f.callback) && Objects.equals(stream, f.stream);
    }

    @Override
    public int hashCode() {
        return Objects.hash(priority, delay, callback, stream);
    }

    @Override
    public String toString() {
        return "ForkOptions[priority=" + priority + ", delay=" + delay + ", callback=" + callback + ", stream="
                + stream + "]";
    }
}
