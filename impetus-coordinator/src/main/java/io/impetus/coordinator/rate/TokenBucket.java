package io.impetus.coordinator.rate;

import io.impetus.core.rpc.Permits;
import java.time.Clock;
import java.time.Instant;

/**
 * A token bucket for one stream's {@code maxRate}: refills at the rate, holds at most a tenth of
 * a second's worth (at least one), so a stream never bursts far above its cap. Thread-safe.
 */
public final class TokenBucket {
    private final Clock clock;
    private double rate;
    private double capacity;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double rate, Clock clock) {
        this.clock = clock;
        this.lastNanos = nanos();
        setRate(rate);
        this.tokens = capacity;
    }

    /** Changes the rate (a stream update); tokens already saved are kept within the new capacity. */
    public synchronized void setRate(double newRate) {
        refill();
        this.rate = newRate;
        this.capacity = Math.max(1.0, newRate / 10.0);
        this.tokens = Math.min(tokens, capacity);
    }

    public synchronized double rate() {
        return rate;
    }

    /** Takes up to {@code wanted} whole tokens. */
    public synchronized Permits take(int wanted) {
        refill();
        int granted = (int) Math.min(wanted, Math.floor(tokens));
        tokens -= granted;
        long retry = granted > 0 ? 0 : (long) Math.ceil((1.0 - tokens) / rate * 1000.0);
        return new Permits(granted, Math.max(1, retry));
    }

    private void refill() {
        long now = nanos();
        tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * rate);
        lastNanos = now;
    }

    private long nanos() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
