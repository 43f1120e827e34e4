package io.impetus.client;

/**
 * Per-job choices for {@code fork}; {@code null} means the stream's default.
 *
 * @param priority 0..maxPriority (higher runs first); above the stream's maxPriority is capped
 * @param delay seconds before the job may start
 * @param callback the stage that receives the result (default: the next declared stage)
 */
public record ForkOptions(Integer priority, Double delay, String callback) {
    public static final ForkOptions DEFAULTS = new ForkOptions(null, null, null);

    public ForkOptions {
        if (priority != null && priority < 0) {
            throw new IllegalArgumentException("job priority must be >= 0, was " + priority);
        }
        if (delay != null && (delay < 0 || delay.isNaN())) {
            throw new IllegalArgumentException("job delay must be >= 0 seconds, was " + delay);
        }
    }

    public static ForkOptions priority(int priority) {
        return new ForkOptions(priority, null, null);
    }

    public static ForkOptions delay(double seconds) {
        return new ForkOptions(null, seconds, null);
    }

    public static ForkOptions callback(String stage) {
        return new ForkOptions(null, null, stage);
    }

    public ForkOptions withPriority(int p) {
        return new ForkOptions(p, delay, callback);
    }

    public ForkOptions withDelay(double d) {
        return new ForkOptions(priority, d, callback);
    }

    public ForkOptions withCallback(String c) {
        return new ForkOptions(priority, delay, c);
    }
}
