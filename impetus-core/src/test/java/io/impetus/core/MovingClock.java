package io.impetus.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test moves it: core's tests' copy of the test kit's {@code SettableClock}
 * (the test kit depends on core, so core's tests cannot use it). Thread-safe.
 */
public final class MovingClock extends Clock {
    private volatile Instant now;

    public MovingClock(Instant start) {
        this.now = start;
    }

    public MovingClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
