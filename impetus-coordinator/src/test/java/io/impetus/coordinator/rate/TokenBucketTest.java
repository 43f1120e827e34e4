package io.impetus.coordinator.rate;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.rpc.Permits;
import io.impetus.testkit.fake.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    @Test
    void grantsAtTheRateOverTime() {
        SettableClock clock = new SettableClock();
        TokenBucket bucket = new TokenBucket(20, clock);
        int granted = bucket.take(100).granted();
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(100));
            granted += bucket.take(100).granted();
        }
        // 10 s at 20/s, plus the initial burst of 2
        assertThat(granted).isBetween(200, 202);
    }

    @Test
    void saysHowLongToWaitWhenEmpty() {
        SettableClock clock = new SettableClock();
        TokenBucket bucket = new TokenBucket(4, clock);
        assertThat(bucket.take(5).granted()).isEqualTo(1);
        Permits none = bucket.take(1);
        assertThat(none.granted()).isZero();
        assertThat(none.retryAfterMillis()).isEqualTo(250);
        clock.advance(Duration.ofMillis(250));
        assertThat(bucket.take(1).granted()).isEqualTo(1);
    }

    @Test
    void followsARateChange() {
        SettableClock clock = new SettableClock();
        RateLimits limits = new RateLimits(clock);
        limits.acquire("s", 10.0, 10);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limits.acquire("s", 100.0, 1000).granted()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limits.acquire("s", 100.0, 1000).granted()).isEqualTo(10);
        assertThat(limits.acquire("t", null, 7).granted()).isEqualTo(7);
    }
}
