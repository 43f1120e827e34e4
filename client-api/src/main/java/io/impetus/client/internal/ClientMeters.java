package io.impetus.client.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A client's meters, tagged with its stream: {@code impetus.client.jobs.forked},
 * {@code impetus.client.results} (tag {@code outcome}: ready or error) and the gauge
 * {@code impetus.client.jobs.outstanding}. With no registry every call does nothing. Thread-safe.
 */
final class ClientMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ClientMeters(MeterRegistry registry, Supplier<Number> outstanding) {
        this.registry = registry;
        if (registry != null) {
            Gauge.builder("impetus.client.jobs.outstanding", outstanding)
                    .description("jobs this client forked whose results have not come back").register(registry);
        }
    }

    void forked(String stream, int jobs) {
        if (registry != null) {
            counters.computeIfAbsent("f/" + stream, k -> Counter.builder("impetus.client.jobs.forked")
                    .description("jobs this client forked").tag("stream", stream).register(registry)).increment(jobs);
        }
    }

    /**
     * Removes the stream's meters (closed, or the client is done with it): a long-lived client that
     * opens a stream per task must not keep a meter per stream for ever.
     */
    void remove(String stream) {
        if (registry == null) {
            return;
        }
        for (String key : new String[] {"f/" + stream, "ready/" + stream, "error/" + stream}) {
            Counter c = counters.remove(key);
            if (c != null) {
                registry.remove(c);
            }
        }
    }

    void result(String stream, boolean ready) {
        if (registry != null) {
            String outcome = ready ? "ready" : "error";
            counters.computeIfAbsent(outcome + "/" + stream, k -> Counter.builder("impetus.client.results")
                    .description("results this client received").tag("stream", stream).tag("outcome", outcome)
                    .register(registry)).increment();
        }
    }
}
