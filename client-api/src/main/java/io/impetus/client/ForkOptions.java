package io.impetus.client;

import io.impetus.core.stream.StreamId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-job choices for {@code fork}: priority, delay, the stage that gets the result, the stream.
 * Each is unset by default and then takes the stream's (or the client's) default. Immutable: each
 * {@code with…} returns a copy, validated at once. Start from {@link #DEFAULTS} or one of the
 * static factories: {@code ForkOptions.priority(9).withDelay(Duration.ofSeconds(30))}.
 */
public final class ForkOptions {
    /** Every choice unset: the stream's priority and delay, the next stage, the client's stream. */
    public static final ForkOptions DEFAULTS = new ForkOptions(null, null, null, null);

    private final Integer priority;
    private final Duration delay;
    private final String callback;
    private final String stream;

    private ForkOptions(Integer priority, Duration delay, String callback, String stream) {
        if (priority != null && priority < 0) {
            throw new IllegalArgumentException("job priority must be >= 0, was " + priority);
        }
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("job delay must not be negative, was " + delay);
        }
        if (callback != null && callback.isBlank()) {
            throw new IllegalArgumentException("the callback stage's name must not be blank");
        }
        if (stream != null) {
            StreamId.check("stream", stream);
        }
        this.priority = priority;
        this.delay = delay;
        this.callback = callback;
        this.stream = stream;
    }

    /** A job of {@code priority} (0..the stream's maxPriority, higher runs first; above it is capped). */
    public static ForkOptions priority(int priority) {
        return DEFAULTS.withPriority(priority);
    }

    /** A job that may start only after {@code delay} (held by the coordinator, never by a worker). */
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
