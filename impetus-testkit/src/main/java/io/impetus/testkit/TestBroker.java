package io.impetus.testkit;

import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;

/**
 * The RabbitMQ that integration tests use: the one at {@code IMPETUS_RABBITMQ_URI} when set,
 * else a Testcontainers {@link RabbitMQContainer} where Docker runs. With
 * {@code IMPETUS_RABBITMQ_REQUIRED=true} a missing broker fails the test instead of skipping it.
 * One broker per JVM; tests isolate themselves with {@link #uniqueName(String)}.
 */
public final class TestBroker {
    public static final String ENV_URI = "IMPETUS_RABBITMQ_URI";
    public static final String ENV_REQUIRED = "IMPETUS_RABBITMQ_REQUIRED";
    public static final String ENV_MANAGEMENT_URI = "IMPETUS_MANAGEMENT_URI";

    private static volatile TestBroker instance;

    private final String amqpUri;
    private final String managementUri;

    private TestBroker(String amqpUri, String managementUri) {
        this.amqpUri = amqpUri;
        this.managementUri = managementUri;
    }

    /** The broker, or a skipped (or, when required, failed) test if there is none. */
    public static TestBroker get() {
        TestBroker b = instance;
        if (b == null) {
            synchronized (TestBroker.class) {
                if (instance == null) {
                    instance = find();
                }
                b = instance;
            }
        }
        return b;
    }

    private static TestBroker find() {
        String uri = System.getenv(ENV_URI);
        if (uri != null && !uri.isBlank()) {
            return new TestBroker(uri, System.getenv(ENV_MANAGEMENT_URI));
        }
        boolean required = "true".equalsIgnoreCase(System.getenv(ENV_REQUIRED));
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        if (!docker) {
            String why = "no RabbitMQ for integration tests: set " + ENV_URI
                    + " (e.g. amqp://guest:guest@localhost:5672/) or make Docker available for Testcontainers";
            if (required) {
                throw new IllegalStateException(why + " (" + ENV_REQUIRED + "=true)");
            }
            Assumptions.abort(why);
        }
        @SuppressWarnings("resource") // lives as long as the test JVM; Ryuk removes it
        RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.13-management");
        container.start();
        return new TestBroker(container.getAmqpUrl().replace("amqp://", "amqp://guest:guest@"),
                container.getHttpUrl());
    }

    /** The AMQP URI with credentials and vhost. */
    public String amqpUri() {
        return amqpUri;
    }

    /** The management API base, or {@code null} to derive it from the AMQP host. */
    public String managementUri() {
        return managementUri;
    }

    /** A name no other test run uses: {@code base-<8 hex>}. */
    public static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
