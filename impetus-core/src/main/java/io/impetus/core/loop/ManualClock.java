package io.impetus.core.loop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when it is moved: what a test steps a loop's {@code runOnce()} with instead of
 * sleeping. The one such clock: core's tests use it as it is, the test kit's {@code SettableClock} is its
 * name there (the test kit depends on core, so it cannot live only in the kit). UTC. Thread-safe.
 */
public class ManualClock extends Clock {
    /** Where a clock made without a start begins. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private volatile Instant now;

    public ManualClock(Instant start) {
        this.now = start;
    }

    public ManualClock() {
        this(DEFAULT_START);
    }

    /** Moves the clock on by {@code d}. */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public final Instant instant() {
        return now;
    }

    @Override
    public final ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public final Clock withZone(ZoneId zone) {
        return this;
    }
}
