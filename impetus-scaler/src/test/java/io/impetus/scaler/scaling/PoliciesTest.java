package io.impetus.scaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static NodeView node(String id, int busy, Instant lastActivity) {
        return new NodeView(id, 5, 1, busy, lastActivity, false, false);
    }

    static ScalingInputs inputs(long ready, long unacked, Instant now, NodeView... nodes) {
        return new ScalingInputs(List.of(new StreamBacklog("s", ready, unacked, 0)), List.of(nodes), now);
    }

    @Test
    void seedStartsOneNodeWhenThereAreNone() {
        assertThat(new SeedPolicy(3).desired(inputs(1, 0, T0), 5).nodes()).isEqualTo(1);
    }

    @Test
    void seedStartsWaitingOverMppsPlusOneUpToMaxNodes() {
        ScalingInputs in = inputs(12, 0, T0, node("a", 5, T0));
        // waiting 12 > capacity 5: min(3 - 1, 12 / 5 + 1) = 2 more
        assertThat(new SeedPolicy(3).desired(in, 5).nodes()).isEqualTo(3);
        assertThat(new SeedPolicy(2).desired(in, 5).nodes()).isEqualTo(2);
        assertThat(new SeedPolicy(3).desired(inputs(4, 0, T0, node("a", 5, T0)), 5).nodes()).as("within capacity")
                .isEqualTo(1);
    }

    @Test
    void targetTrackingDividesTheBacklogByWhatANodeDoesWithinTheLatency() {
        ScalingInputs in = new ScalingInputs(List.of(new StreamBacklog("s", 900, 10, 20.0)),
                List.of(node("a", 10, T0), node("b", 10, T0)), T0);
        // job time = 20 busy / 20 per s = 1 s; per node = 30 s / 1 s * 5 = 150; 910 / 150 -> 7
        assertThat(new TargetPolicy(30, 1).desired(in, 5).nodes()).isEqualTo(7);
    }

    @Test
    void guardrailsClampAndHoldLaunchesForTheCooldown() {
        Guardrails g = new Guardrails(0, 3, Duration.ofSeconds(60), 2, Duration.ofSeconds(300));
        Decision first = g.decide(inputs(50, 0, T0), new ScalingPolicy.Want(10, "busy"), 0);
        assertThat(first.wanted()).isEqualTo(3);
        assertThat(first.launch()).isEqualTo(3);
        Decision soon = g.decide(inputs(50, 0, T0.plusSeconds(10), node("a", 5, T0)), new ScalingPolicy.Want(3, "busy"), 0);
        assertThat(soon.launch()).isZero();
        assertThat(soon.reason()).contains("cooldown");
        Decision counted = g.decide(inputs(50, 0, T0.plusSeconds(70), node("a", 5, T0)), new ScalingPolicy.Want(3, "busy"), 2);
        assertThat(counted.launch()).as("nodes still starting count").isZero();
    }

    @Test
    void scaleInWaitsForHysteresisAndOnlyTakesNodesIdleLongEnough() {
        Guardrails g = new Guardrails(0, 3, Duration.ofSeconds(60), 2, Duration.ofSeconds(300));
        Instant now = T0.plusSeconds(1000);
        NodeView idleLong = node("idle-long", 0, now.minusSeconds(400));
        NodeView idleShort = node("idle-short", 0, now.minusSeconds(100));
        NodeView busy = node("busy", 3, now.minusSeconds(900));
        ScalingInputs in = inputs(0, 3, now, idleLong, idleShort, busy);
        Decision once = g.decide(in, new ScalingPolicy.Want(0, "quiet"), 0);
        assertThat(once.drain()).isEmpty();
        assertThat(once.reason()).contains("pass 1 of 2");
        Decision twice = g.decide(in, new ScalingPolicy.Want(0, "quiet"), 0);
        assertThat(twice.drain()).containsExactly("idle-long");
        assertThat(twice.reason()).contains("not idle for 300 s yet");
    }

    @Test
    void aNoisyLoadDoesNotFlap() {
        Guardrails g = new Guardrails(0, 3, Duration.ofSeconds(0), 3, Duration.ofSeconds(0));
        Instant now = T0;
        NodeView a = node("a", 0, T0);
        for (int i = 0; i < 10; i++) {
            now = now.plusSeconds(5);
            int want = i % 2 == 0 ? 0 : 1; // alternates
            assertThat(g.decide(inputs(0, 0, now, a), new ScalingPolicy.Want(want, "noise"), 0).drain()).isEmpty();
        }
    }

    @Test
    void blockedNodesAreDrainedAndReplaced() {
        Guardrails g = new Guardrails(1, 3, Duration.ZERO, 1, Duration.ofSeconds(300));
        NodeView blocked = new NodeView("b", 5, 1, 0, T0, true, true); // it drains itself once blocked
        Decision d = g.decide(inputs(10, 0, T0, blocked), new SeedPolicy(3).desired(inputs(10, 0, T0, blocked), 5), 0);
        assertThat(d.replace()).containsExactly("b");
        assertThat(d.launch()).isEqualTo(1);
    }

    @Test
    void minNodesKeepsNodesWithNoWork() {
        Guardrails g = new Guardrails(1, 3, Duration.ZERO, 1, Duration.ZERO);
        NodeView a = node("a", 0, T0);
        Decision d = g.decide(inputs(0, 0, T0.plusSeconds(999), a), new SeedPolicy(3).desired(inputs(0, 0, T0, a), 5), 0);
        assertThat(d.drain()).isEmpty();
    }
}
