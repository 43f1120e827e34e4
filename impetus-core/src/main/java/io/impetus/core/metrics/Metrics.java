package io.impetus.core.metrics;

import io.impetus.core.http.DaemonEndpoint;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Each daemon's Micrometer registry, read in the Prometheus text format at {@code /metrics}: the
 * daemon's own meters (docs in the README, "Metrics") and the JVM's and the process's (memory,
 * GC, threads, CPU, uptime, open files), every one tagged with the daemon's {@code role}.
 */
public final class Metrics {
    /** The content type of the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final int MAX_REASON = 40;

    private Metrics() {
    }

    /** A registry with the JVM and process meters bound, tagged {@code role}. */
    @SuppressWarnings("resource") // JvmGcMetrics lives as long as the process
    public static PrometheusMeterRegistry registry(String role) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        r.config().commonTags("role", role);
        new ClassLoaderMetrics().bindTo(r);
        new JvmMemoryMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
        new UptimeMetrics().bindTo(r);
        new FileDescriptorMetrics().bindTo(r);
        return r;
    }

    /** The {@code /metrics} handler of a registry. */
    public static DaemonEndpoint.Handler handler(PrometheusMeterRegistry registry) {
        return request -> DaemonEndpoint.Response.ok(CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A dead-letter reason as a tag value: its kind, the words before the first ':' or '(' without
     * numbers ("signature", "not a valid job envelope", "worker process died", ...), so that the
     * details of each message do not make a new series.
     */
    public static String reasonKind(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unknown";
        }
        // numbers (pids, counts, ids) would make a series per message: they go
        String kind = reason.split("[:(]", 2)[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z _.-]", " ")
                .replaceAll("\\s+", " ").trim();
        return kind.isEmpty() ? "unknown" : kind.length() > MAX_REASON ? kind.substring(0, MAX_REASON) : kind;
    }
}
