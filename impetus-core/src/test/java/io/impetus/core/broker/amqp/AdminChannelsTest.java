package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdminChannelsTest {
    /** A channel stand-in: open until closed. */
    static final class FakeChannel {
        final int n;
        volatile boolean open = true;

        FakeChannel(int n) {
            this.n = n;
        }
    }

    private final AtomicInteger made = new AtomicInteger();
    private final List<FakeChannel> all = new CopyOnWriteArrayList<>();

    private AdminChannels<FakeChannel> channels(int max) {
        return new AdminChannels<>(max, () -> {
            FakeChannel c = new FakeChannel(made.incrementAndGet());
            all.add(c);
            return c;
        }, c -> c.open);
    }

    @Test
    void stepsOneAfterAnotherReuseOneChannel() throws IOException {
        AdminChannels<FakeChannel> channels = channels(8);
        Set<Integer> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 20; i++) {
            channels.run(c -> used.add(c.n));
        }
        assertThat(used).containsExactly(1);
        assertThat(channels.opened()).isEqualTo(1);
    }

    @Test
    void stepsAtOnceRunOnChannelsOfTheirOwnUpToTheMost() throws Exception {
        AdminChannels<FakeChannel> channels = channels(3);
        CountDownLatch allIn = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        Set<Integer> inUse = ConcurrentHashMap.newKeySet();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<Object>> done = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                done.add(pool.submit(() -> channels.run(c -> {
                    assertThat(inUse.add(c.n)).as("channel %s used by two steps at once", c.n).isTrue();
                    most.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
                    allIn.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    atOnce.decrementAndGet();
                    inUse.remove(c.n);
                    return null;
                })));
            }
            assertThat(allIn.await(5, TimeUnit.SECONDS)).isTrue();
            release.countDown();
            for (Future<Object> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(3);
        assertThat(channels.opened()).isEqualTo(3);
        assertThat(made.get()).isEqualTo(3);
    }

    @Test
    void aChannelClosedByAFailedStepIsReplaced() throws IOException {
        AdminChannels<FakeChannel> channels = channels(2);
        assertThatThrownBy(() -> channels.run(c -> {
            c.open = false; // what the broker does to a channel whose step it refuses (404, 406)
            throw new IOException("NOT_FOUND");
        })).isInstanceOf(IOException.class);
        assertThat(channels.opened()).isZero();
        int n = channels.run(c -> c.n);
        assertThat(n).isEqualTo(2);
        assertThat(channels.opened()).isEqualTo(1);
    }

    @Test
    void aFreeChannelClosedMeanwhileIsNotHandedOut() throws IOException {
        AdminChannels<FakeChannel> channels = channels(2);
        channels.run(c -> null);
        all.get(0).open = false; // e.g. closed by the broker between steps
        assertThat(channels.<Integer>run(c -> c.n)).isEqualTo(2);
        assertThat(channels.opened()).isEqualTo(1);
    }

    @Test
    void aChannelThatCannotBeOpenedLeavesRoomForTheNextStep() throws IOException {
        AtomicInteger tries = new AtomicInteger();
        AdminChannels<FakeChannel> channels = new AdminChannels<>(1, () -> {
            if (tries.incrementAndGet() == 1) {
                throw new IOException("channel_max reached");
            }
            return new FakeChannel(tries.get());
        }, c -> c.open);
        assertThatThrownBy(() -> channels.run(c -> null)).hasMessageContaining("channel_max");
        assertThat(channels.<Integer>run(c -> c.n)).isEqualTo(2);
    }
}
