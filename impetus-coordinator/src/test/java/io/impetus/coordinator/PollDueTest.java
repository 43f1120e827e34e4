package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** PollDue: when the store is asked for due work, stepped with a settable clock. */
class PollDueTest {
    private final SettableClock clock = new SettableClock();
    private final AtomicBoolean active = new AtomicBoolean(true);
    private final AtomicBoolean hint = new AtomicBoolean();
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger work = new AtomicInteger();
    private final PollDue poll = new PollDue(active::get, () -> hint.getAndSet(false), () -> {
        asked.incrementAndGet();
        return work.getAndSet(0);
    }, clock);

    @Test
    void anIdleActiveCoordinatorAsksOnceAQuietPeriodNotEveryPass() {
        poll.runOnce(); // becoming active: asks
        for (int pass = 0; pass < 30; pass++) { // 3 s of passes every 100 ms
            clock.advance(PollDue.DUE_JOBS_EVERY);
            poll.runOnce();
        }
        assertThat(asked).as("once on becoming active, then once a second").hasValue(4);
    }

    @Test
    void aHintAsksAtOnceAndOnceMoreForARowNotYetCommitted() {
        poll.runOnce();
        clock.advance(PollDue.DUE_JOBS_EVERY);
        hint.set(true);
        poll.runOnce();
        assertThat(asked).hasValue(2);
        clock.advance(PollDue.DUE_JOBS_EVERY);
        work.set(1); // the row is committed now
        assertThat(poll.runOnce()).isEqualTo(1);
        clock.advance(PollDue.DUE_JOBS_EVERY);
        poll.runOnce(); // found work: asks again
        assertThat(asked).hasValue(4);
        clock.advance(PollDue.DUE_JOBS_EVERY);
        poll.runOnce(); // nothing found, no hint: quiet
        assertThat(asked).hasValue(4);
    }

    @Test
    void aStandbyNeverAsksAndAsksAtOnceOnBecomingActiveAgain() {
        poll.runOnce();
        active.set(false);
        hint.set(true);
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll.runOnce()).isZero();
        assertThat(asked).hasValue(1);
        assertThat(hint).as("a standby leaves the hint alone").isTrue();
        hint.set(false);
        active.set(true);
        clock.advance(PollDue.DUE_JOBS_EVERY);
        work.set(2); // held by the coordinator that had the lease meanwhile
        assertThat(poll.runOnce()).isEqualTo(2);
    }
}
