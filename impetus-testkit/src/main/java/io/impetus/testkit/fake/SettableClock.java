package io.impetus.testkit.fake;

import io.impetus.core.loop.ManualClock;
import java.time.Instant;

/** A clock that moves only when a test moves it: core's {@link ManualClock} under the test kit's name. Thread-safe. */
public final class SettableClock extends ManualClock {

    public SettableClock(Instant start) {
        super(start);
    }

    public SettableClock() {
    }
}
