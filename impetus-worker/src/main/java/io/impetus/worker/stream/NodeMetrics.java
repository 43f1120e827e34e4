package io.impetus.worker.stream;

import io.impetus.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A node's job meters: {@code impetus_jobs_total{stream,outcome}} (ready, error, retried, dead),
 * {@code impetus_job_duration_seconds{stream}} (a histogram of how long jobs ran on their
 * workers), {@code impetus_jobs_in_flight{stream}}, {@code impetus_workers{stream,state}} (busy,
 * idle) and {@code impetus_dead_letters_total{reason}}. Thread-safe.
 */
public final class NodeMetrics {
    private final MeterRegistry registry;
    private final Map<String, List<Meter>> streamGauges = new ConcurrentHashMap<>();

    public NodeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters that go nowhere (tests, and nodes without an HTTP endpoint still count: scraping is optional). */
    public static NodeMetrics none() {
        return new NodeMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A job of {@code stream} ended with {@code outcome}: ready, error, retried or dead. */
    void outcome(String stream, String outcome) {
        Counter.builder("impetus.jobs").description("Jobs that ended on this node, by outcome").tag("stream", stream)
                .tag("outcome", outcome).register(registry).increment();
    }

    /** A job of {@code stream} ran {@code d} on its worker. */
    void ran(String stream, Duration d) {
        Timer.builder("impetus.job.duration").description("How long jobs ran on their workers").tag("stream", stream)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry).record(d);
    }

    /** Something was dead-lettered with {@code reason} (tagged by its kind). */
    void deadLetter(String reason) {
        Counter.builder("impetus.dead.letters").description("Messages this process sent to the dead-letter route")
                .tag("reason", Metrics.reasonKind(reason)).register(registry).increment();
    }

    /** The gauges of a stream this node tracks. */
    void track(String stream, IntSupplier inFlight, IntSupplier busy, IntSupplier idle) {
        dropGauges(stream);
        streamGauges.put(stream, List.of(
                Gauge.builder("impetus.jobs.in.flight", inFlight::getAsInt).description("Jobs taken and not yet settled")
                        .tag("stream", stream).register(registry),
                Gauge.builder("impetus.workers", busy::getAsInt).description("Worker processes").tag("stream", stream)
                        .tag("state", "busy").register(registry),
                Gauge.builder("impetus.workers", idle::getAsInt).description("Worker processes").tag("stream", stream)
                        .tag("state", "idle").register(registry)));
    }

    /** The stream's gauges go (they are made again by {@link #track}). */
    private void dropGauges(String stream) {
        List<Meter> old = streamGauges.remove(stream);
        if (old != null) {
            old.forEach(registry::remove);
        }
    }

    /**
     * The node no longer tracks the stream: every meter tagged with it goes — gauges, job counts and
     * durations — so a node that sees thousands of streams over its life does not keep a series of
     * each for ever. A counter starts again from zero if the stream comes back, as Prometheus expects
     * of a process's counters.
     */
    void untrack(String stream) {
        dropGauges(stream);
        registry.find("impetus.jobs").tag("stream", stream).meters().forEach(registry::remove);
        registry.find("impetus.job.duration").tag("stream", stream).meters().forEach(registry::remove);
    }
}
