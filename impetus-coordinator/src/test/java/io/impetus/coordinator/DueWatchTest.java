package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DueWatch: when a polling step asks the store (settable clock, no store). */
class DueWatchTest {
    private final SettableClock clock = new SettableClock();
    private final DueWatch watch = new DueWatch(Lease.monotonic(clock));

    private void look(Optional<Duration> next) {
        assertThat(watch.time()).isTrue();
        watch.begin();
        watch.looked(next);
    }

    @Test
    void looksAtOnceThenOnlyWhenTheEarliestDueTimeHasComeOrOnceAQuietPeriod() {
        assertThat(watch.time()).as("first pass").isTrue();
        look(Optional.of(Duration.ofMillis(300)));
        clock.advance(Duration.ofMillis(299));
        assertThat(watch.time()).isFalse();
        clock.advance(Duration.ofMillis(1));
        look(Optional.empty());
        clock.advance(DueWatch.QUIET.minusMillis(1));
        assertThat(watch.time()).as("nothing known due").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(watch.time()).as("the safety net").isTrue();
    }

    @Test
    void aHintWakesItBeforeTheQuietPeriodEnds() {
        look(Optional.empty());
        watch.due(Duration.ofMillis(200));
        clock.advance(Duration.ofMillis(199));
        assertThat(watch.time()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(watch.time()).isTrue();
        watch.due(Duration.ZERO);
        assertThat(watch.time()).isTrue();
    }

    @Test
    void aHintGivenDuringALookIsKeptWhatEverTheLookRead() {
        look(Optional.empty());
        clock.advance(DueWatch.QUIET);
        watch.begin();
        watch.due(Duration.ofMillis(100)); // committed after the look read the store
        watch.looked(Optional.empty());
        clock.advance(Duration.ofMillis(100));
        assertThat(watch.time()).isTrue();
    }

    @Test
    void aHintGivenBeforeALookIsReplacedByWhatTheLookRead() {
        look(Optional.empty());
        watch.due(Duration.ofMillis(100)); // committed before the look: the look sees the job (claimed meanwhile)
        clock.advance(Duration.ofMillis(100));
        look(Optional.of(Duration.ofMillis(500))); // the earliest left
        clock.advance(Duration.ofMillis(100));
        assertThat(watch.time()).as("not the hint's time again").isFalse();
        clock.advance(Duration.ofMillis(400));
        assertThat(watch.time()).as("the earliest due time read").isTrue();
    }

    @Test
    void workDueNowMakesTheNextPassLookAgain() {
        look(Optional.of(Duration.ofMillis(-50)));
        assertThat(watch.time()).isTrue();
    }

    @Test
    void afterStandingByItLooksAtOnce() {
        look(Optional.empty());
        assertThat(watch.time()).isFalse();
        watch.forget();
        assertThat(watch.time()).isTrue();
    }
}
