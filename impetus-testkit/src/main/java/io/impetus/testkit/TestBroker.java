package io.impetus.testkit;

import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The RabbitMQ that integration tests use: the one at {@code IMPETUS_RABBITMQ_URI} when set,
 * else a Testcontainers {@link RabbitMQContainer} where Docker runs, of the image
 * {@code IMPETUS_RABBITMQ_IMAGE} names ({@value #DEFAULT_IMAGE} unless set; a stand-in such as
 * the one {@code scripts/local-images.sh} builds is taken as a substitute for it). With
 * {@code IMPETUS_RABBITMQ_REQUIRED=true} a missing broker fails the test instead of skipping it.
 * One broker per JVM, stopped when the JVM exits; tests isolate themselves with
 * {@link #uniqueName(String)}.
 */
public final class TestBroker {
    public static final String ENV_URI = "IMPETUS_RABBITMQ_URI";
    public static final String ENV_REQUIRED = "IMPETUS_RABBITMQ_REQUIRED";
    public static final String ENV_MANAGEMENT_URI = "IMPETUS_MANAGEMENT_URI";
    public static final String ENV_IMAGE = "IMPETUS_RABBITMQ_IMAGE";
    /** The image a Testcontainers broker is made of when {@code IMPETUS_RABBITMQ_IMAGE} is not set. */
    public static final String DEFAULT_IMAGE = "rabbitmq:3.13-management";

    private static final Logger log = LoggerFactory.getLogger(TestBroker.class);

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
        String image = System.getenv(ENV_IMAGE);
        if (image == null || image.isBlank()) {
            image = DEFAULT_IMAGE;
        }
        @SuppressWarnings("resource") // lives as long as the test JVM: stopped by the hook below (and Ryuk)
        RabbitMQContainer container = new RabbitMQContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("rabbitmq"));
        log.info("no {}: starting a RabbitMQ container of {} for this test run", ENV_URI, image);
        container.start();
        // Ryuk removes it when the JVM ends, where Ryuk runs; where it cannot (no registry to pull it
        // from, TESTCONTAINERS_RYUK_DISABLED=true) this hook does, on every exit short of a SIGKILL.
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "impetus-test-broker-stop"));
        log.info("RabbitMQ container {} is up: {}", container.getContainerId(), container.getAmqpUrl());
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
