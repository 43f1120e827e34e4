package io.impetus.client;

import io.impetus.core.stream.StreamId;

/**
 * Per-job choices for {@code fork}; {@code null} means the default.
 *
 * @param priority 0..maxPriority (higher runs first); above the stream's maxPriority is capped;
 *     default: the stream's {@code priority}
 * @param delay seconds before the job may start; default: the stream's {@code delay}
 * @param callback the stage that receives the result; default: the next declared stage
 * @param stream the stream to fork into, opened first with {@link Client#openStream}; default:
 *     the client's stream
 */
public record ForkOptions(Integer priority, Double delay, String callback, String stream) {
    public static final ForkOptions DEFAULTS = new ForkOptions(null, null, null, null);

    public ForkOptions {
        if (priority != null && priority < 0) {
            throw new IllegalArgumentException("job priority must be >= 0, was " + priority);
        }
        if (delay != null && (delay < 0 || delay.isNaN())) {
            throw new IllegalArgumentException("job delay must be >= 0 seconds, was " + delay);
        }
        if (stream != null) {
            StreamId.check("stream", stream);
        }
    }

    public ForkOptions(Integer priority, Double delay, String callback) {
        this(priority, delay, callback, null);
    }

    public static ForkOptions priority(int priority) {
        return DEFAULTS.withPriority(priority);
    }

    public static ForkOptions delay(double seconds) {
        return DEFAULTS.withDelay(seconds);
    }

    public static ForkOptions callback(String stage) {
        return DEFAULTS.withCallback(stage);
    }

    public static ForkOptions stream(String stream) {
        return DEFAULTS.withStream(stream);
    }

    public ForkOptions withPriority(int p) {
        return new ForkOptions(p, delay, callback, stream);
    }

    public ForkOptions withDelay(double d) {
        return new ForkOptions(priority, d, callback, stream);
    }

    public ForkOptions withCallback(String c) {
        return new ForkOptions(priority, delay, c, stream);
    }

    public ForkOptions withStream(String s) {
        return new ForkOptions(priority, delay, callback, s);
    }
}
