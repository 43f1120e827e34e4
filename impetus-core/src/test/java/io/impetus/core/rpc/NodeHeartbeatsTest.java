package io.impetus.core.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.loop.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One record of who is alive, for the coordinator and the scaler alike: heard, stopped, silent too long. */
class NodeHeartbeatsTest {
    private final ManualClock clock = new ManualClock();
    private final NodeHeartbeats heartbeats = new NodeHeartbeats(clock);

    private NodeStatus status(String node, int mpps) {
        return new NodeStatus(node, "h", 1, mpps, Map.of(), clock.instant(), clock.instant(), false, false, clock.instant());
    }

    @Test
    void aNodeCountsUntilItIsSilentForTheExpiryAndItsLatestHeartbeatIsWhatIsKept() {
        heartbeats.heard(status("b", 0));
        heartbeats.heard(status("a", 0));
        clock.advance(Duration.ofSeconds(15));
        heartbeats.heard(status("a", 2));
        assertThat(heartbeats.recent()).extracting(NodeStatus::nodeId).containsExactly("a", "b");
        assertThat(heartbeats.get("a")).get().extracting(NodeStatus::mpps).isEqualTo(2);

        clock.advance(NodeHeartbeats.EXPIRY.minusSeconds(14));
        assertThat(heartbeats.get("b")).as("silent for more than the expiry").isEmpty();
        assertThat(heartbeats.recent()).extracting(NodeStatus::nodeId).containsExactly("a");
    }

    @Test
    void aNodeThatSaysItStoppedIsForgottenAtOnce() {
        heartbeats.heard(status("a", 0));
        heartbeats.stopped("a");
        assertThat(heartbeats.recent()).isEmpty();
        assertThat(heartbeats.get("a")).isEmpty();
    }

    @Test
    void aReportSentBeforeTheExpiryIsTooOld() {
        Instant sent = clock.instant();
        assertThat(heartbeats.expired(sent)).isFalse();
        clock.advance(NodeHeartbeats.EXPIRY.plusMillis(1));
        assertThat(heartbeats.expired(sent)).isTrue();
    }
}
