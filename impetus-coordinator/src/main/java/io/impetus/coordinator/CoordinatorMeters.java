package io.impetus.coordinator;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.broker.Broker;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.metrics.Metrics;
import io.impetus.core.rpc.StreamInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/** The coordinator's own meters: whether it is active, whether its broker blocks it, streams by state, dead letters sent. */
final class CoordinatorMeters {
    private final PrometheusMeterRegistry registry;

    CoordinatorMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    void register(BooleanSupplier active, Broker broker, CoordinatorStore store) {
        Gauge.builder("impetus.coordinator.active", () -> active.getAsBoolean() ? 1 : 0)
                .description("1 while this coordinator holds the store's lease (the active one), else 0").register(registry);
        Gauge.builder("impetus.broker.blocked", () -> broker.blocked().isPresent() ? 1 : 0)
                .description("1 while RabbitMQ blocks this process's connection (a memory or disk alarm), else 0")
                .register(registry);
        for (StreamInfo.State state : StreamInfo.State.values()) {
            Gauge.builder("impetus.streams", () -> {
                try {
                    return store.streams(true).stream().filter(s -> s.state() == state).count();
                } catch (ImpetusException e) {
                    return Double.NaN; // the store cannot be read now
                }
            }).description("Streams the store keeps").tag("state", state.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    /** Counts a message this process sent to the dead-letter route, by the kind of its reason. */
    void deadLettered(String reason) {
        Counter.builder("impetus.dead.letters").description("Messages this process sent to the dead-letter route")
                .tag("reason", Metrics.reasonKind(reason)).register(registry).increment();
    }
}
