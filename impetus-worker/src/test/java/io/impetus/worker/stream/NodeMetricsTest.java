package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The node's job meters count what the engine decides. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class NodeMetricsTest {

    private static double jobs(MeterRegistry r, String outcome) {
        var c = r.find("impetus.jobs").tag("stream", Engine.STREAM).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void outcomesDurationsWorkersAndDeadLettersAreCounted() {
        Engine e = new Engine(Map.of("maxAttempts", 2), 1);
        MeterRegistry r = e.metrics.registry();
        e.deliver(Engine.job().build());
        e.deliver(Engine.job().build());
        e.deliver(Engine.job().build());
        e.runBlocking();
        assertThat(r.find("impetus.jobs.in.flight").tag("stream", Engine.STREAM).gauge().value()).isEqualTo(3);
        assertThat(r.find("impetus.workers").tag("state", "busy").gauge().value()).isEqualTo(1);
        e.worker(0).succeed(IntNode.valueOf(1));
        e.worker(0).fail("boom");
        e.worker(0).die(9); // its job is retried (attempt 1 of 2)
        assertThat(jobs(r, "ready")).isEqualTo(1);
        assertThat(jobs(r, "error")).isEqualTo(1);
        assertThat(jobs(r, "retried")).isEqualTo(1);
        assertThat(r.find("impetus.job.duration").tag("stream", Engine.STREAM).timer().count()).isEqualTo(2);

        Engine once = new Engine(Map.of("maxAttempts", 1), 1); // one attempt: a lost job is dead
        once.deliver(Engine.job().build());
        once.runBlocking();
        once.worker(0).die(9);
        assertThat(jobs(once.metrics.registry(), "dead")).isEqualTo(1);
        assertThat(once.metrics.registry().find("impetus.dead.letters").tag("reason", "worker process died").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aStreamNoLongerTrackedLeavesNoMeterBehind() {
        NodeMetrics m = NodeMetrics.none();
        MeterRegistry r = m.registry();
        m.track("gone", () -> 1, () -> 1, () -> 0);
        m.outcome("gone", "ready");
        m.ran("gone", Duration.ofMillis(5));
        m.track("kept", () -> 1, () -> 1, () -> 0);
        m.outcome("kept", "ready");
        m.untrack("gone");
        assertThat(r.find("impetus.jobs").tag("stream", "gone").meters()).isEmpty();
        assertThat(r.find("impetus.job.duration").tag("stream", "gone").meters()).isEmpty();
        assertThat(r.find("impetus.workers").tag("stream", "gone").meters()).isEmpty();
        assertThat(r.find("impetus.jobs.in.flight").tag("stream", "gone").meters()).isEmpty();
        assertThat(r.find("impetus.jobs").tag("stream", "kept").counter().count()).isEqualTo(1);
        assertThat(r.find("impetus.workers").tag("stream", "kept").meters()).hasSize(2);
    }
}
