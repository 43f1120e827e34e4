package io.impetus.spring;

import io.impetus.client.Impetus;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether the application's {@link Impetus} client can work: UP when RabbitMQ answers on its connection
 * and the coordinator answers a request within the timeout ({@code impetus.health.timeout}), else DOWN;
 * either way the detail {@code detail} says what answered or what did not. Registered only with
 * {@code management.health.impetus.enabled=true}, as the health contributor {@code impetus}.
 *
 * <p>Thread-safe; each call asks the coordinator anew and waits at most the timeout.
 */
public class ImpetusHealthIndicator extends AbstractHealthIndicator {
    private final Impetus impetus;
    private final Duration timeout;

    /** An indicator of {@code impetus}, waiting at most {@code timeout} for the coordinator. */
    public ImpetusHealthIndicator(Impetus impetus, Duration timeout) {
        super("the Impetus health check failed");
        this.impetus = Objects.requireNonNull(impetus, "impetus");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Impetus.Health health = impetus.health(timeout);
        (health.up() ? builder.up() : builder.down()).withDetail("detail", health.detail());
    }
}
