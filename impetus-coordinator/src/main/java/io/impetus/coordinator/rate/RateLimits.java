package io.impetus.coordinator.rate;

import io.impetus.core.rpc.Permits;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The token buckets of every stream with a {@code maxRate}; one source of permits for all nodes. */
public final class RateLimits {
    private final Clock clock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimits(Clock clock) {
        this.clock = clock;
    }

    /** Permits for {@code wanted} starts on {@code stream} capped at {@code maxRate} (null: no cap). */
    public Permits acquire(String stream, Double maxRate, int wanted) {
        if (maxRate == null) {
            buckets.remove(stream);
            return new Permits(Math.max(0, wanted), 0);
        }
        TokenBucket bucket = buckets.computeIfAbsent(stream, s -> new TokenBucket(maxRate, clock));
        if (bucket.rate() != maxRate) {
            bucket.setRate(maxRate);
        }
        return bucket.take(Math.max(0, wanted));
    }
}
