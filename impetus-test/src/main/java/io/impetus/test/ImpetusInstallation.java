package io.impetus.test;

import io.impetus.client.ClientOptions;
import io.impetus.client.Impetus;
import io.impetus.coordinator.Coordinator;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.JvmFlags;
import io.impetus.core.config.OwnerOnly;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.security.SigningKey;
import io.impetus.testkit.BrokerCleaner;
import io.impetus.testkit.TestBroker;
import io.impetus.worker.Node;
import io.impetus.worker.NodeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole Impetus installation for one test: a real coordinator (its store in a temporary folder)
 * and a real node whose jobs run in child worker JVMs, both in this process, on a real RabbitMQ,
 * under a prefix of its own and with a signing key of its own. Clients made by {@link #connect()}
 * and {@link #clientOptions()} talk to it; so does a program started with {@link #environment()}.
 * {@link #close()} stops the node and the coordinator and deletes every queue and exchange of the
 * prefix (through the management API, best effort). Thread-safe; closing twice is harmless.
 *
 * <p>With JUnit 5, {@link ImpetusTest} starts and closes one per test. Without it:
 * {@code try (ImpetusInstallation impetus = ImpetusInstallation.start()) { … }}.
 */
public final class ImpetusInstallation implements AutoCloseable {
    /** Worker processes per stream on the test's node, unless chosen. */
    public static final int DEFAULT_MPPS = 2;
    /** How long {@link #start()} waits for the coordinator to answer. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(ImpetusInstallation.class);

    private final ConnectionSettings settings;
    private final String signingKeyText;
    private final Path dir;
    private final Coordinator coordinator;
    private final Node node;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ImpetusInstallation(ConnectionSettings settings, String signingKeyText, Path dir, Coordinator coordinator,
                                Node node) {
        this.settings = settings;
        this.signingKeyText = signingKeyText;
        this.dir = dir;
        this.coordinator = coordinator;
        this.node = node;
    }

    /** An installation with the defaults; see {@link Builder#start()}. */
    public static ImpetusInstallation start() {
        return builder().start();
    }

    /** Choices of the installation to start. */
    public static Builder builder() {
        return new Builder();
    }

    /** The broker settings of this installation (its URI, vhost and prefix). */
    public ConnectionSettings settings() {
        return settings;
    }

    /** The prefix of every queue and exchange of this installation. */
    public String prefix() {
        return settings.topology().prefix();
    }

    /** The installation's signing key, as {@code impetus keygen} writes it. */
    public SigningKey signingKey() {
        return SigningKey.parse(signingKeyText, "the test installation");
    }

    /** A file (owner-only) holding the signing key, for programs started with {@link #environment()}. */
    public Path signingKeyFile() {
        return dir.resolve("signing.key");
    }

    /** A client builder set up for this installation: add a client id, meters, an outstanding bound. */
    public Impetus.Builder client() {
        return Impetus.builder().settings(settings).signingKey(signingKey());
    }

    /** A new client of this installation, with a random id. Close it (before the installation). */
    public Impetus connect() {
        return client().connect();
    }

    /** Options for a {@code Client} subclass run against this installation; task files go to a temporary folder. */
    public ClientOptions.Builder clientOptions() {
        return ClientOptions.builder().settings(settings).signingKey(signingKey()).taskDir(dir.resolve("tasks"))
                .progressInterval(Duration.ofSeconds(5));
    }

    /**
     * The environment a program needs to use this installation as {@code Impetus.connect()} does:
     * {@code IMPETUS_RABBITMQ_URI}, {@code IMPETUS_PREFIX} and {@code IMPETUS_SIGNING_KEY_FILE}
     * (with the password in the URI).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(SettingsResolver.ENV_URI, settings.uriList());
        env.put(SettingsResolver.ENV_PREFIX, prefix());
        env.put(SigningKey.ENV_FILE, signingKeyFile().toString());
        return env;
    }

    /** The id of the installation's node. */
    public String nodeId() {
        return node.id();
    }

    /** Stops the node (draining it), then the coordinator, and deletes what the prefix made on the broker. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            node.close();
        } catch (RuntimeException e) {
            log.warn("test installation {}: the node did not stop cleanly: {}", prefix(), e.toString());
        }
        try {
            coordinator.close();
        } catch (RuntimeException e) {
            log.warn("test installation {}: the coordinator did not stop cleanly: {}", prefix(), e.toString());
        }
        BrokerCleaner.deleteAll(prefix() + ".");
        delete(dir);
        log.info("test installation {} closed", prefix());
    }

    @Override
    public String toString() {
        return "ImpetusInstallation[" + settings.redacted() + ", prefix " + prefix() + "]";
    }

    static void checkMpps(int mpps) {
        if (mpps < 1 || mpps > 100) {
            throw new IllegalArgumentException("a test node's mpps must be between 1 and 100, was " + mpps);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Choices of the installation; each has a default. Not thread-safe. */
    public static final class Builder {
        private int mpps = DEFAULT_MPPS;
        private String uri;
        private String name = "test";

        private Builder() {
        }

        /** Most worker processes per stream on the node (default {@value #DEFAULT_MPPS}). */
        public Builder mpps(int mpps) {
            checkMpps(mpps);
            this.mpps = mpps;
            return this;
        }

        /** The RabbitMQ to use (default {@code IMPETUS_RABBITMQ_URI}, else a Testcontainers RabbitMQ). */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** What the prefix is named after (the test's name, say); it gets a random suffix. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Starts the coordinator and the node and waits until the coordinator answers.
         *
         * @throws TestAbortedException when there is no broker and none is required
         */
        public ImpetusInstallation start() {
            String brokerUri = uri != null ? uri : TestBroker.get().amqpUri();
            String prefix = prefixFor(name);
            // read here, where the test's coordinator and node start, as 'impetus' reads it
            Map<String, String> env = System.getenv();
            PublishDeadline.useForThisProcess(PublishDeadline.fromEnvironment(env));
            ConnectionSettings settings = SettingsResolver.resolve(Map.of("uri", brokerUri, "prefix", prefix),
                    Map.of(), Map.of());
            String key = SigningKey.generate();
            Path dir;
            try {
                dir = OwnerOnly.directory(Files.createTempDirectory("impetus-test-"));
                Files.writeString(OwnerOnly.file(dir.resolve("signing.key")), key + "\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make the test installation's folder", e);
            }
            SigningKey signing = SigningKey.parse(key, "the test installation");
            Coordinator coordinator = new Coordinator(Coordinator.Options.builder(settings, dir.resolve("store"))
                    .signingKey(signing).build());
            try {
                coordinator.start();
            } catch (RuntimeException e) {
                coordinator.close();
                delete(dir);
                throw e;
            }
            Node node;
            try {
                awaitAnswer(settings, signing);
                node = new Node(NodeOptions.builder(settings).mpps(mpps).signingKey(signing)
                        .cacheDir(dir.resolve("bundles")).drainTimeout(Duration.ofSeconds(10))
                        .maxBufferedBytes(DeliveryBudget.fromEnvironment(env, Runtime.getRuntime().maxMemory()).limit())
                        .workerJvmOptions(JvmFlags.of(JvmFlags.Role.WORKER, env))
                        .build());
                node.start();
            } catch (RuntimeException e) {
                coordinator.close();
                BrokerCleaner.deleteAll(prefix + ".");
                delete(dir);
                throw e;
            }
            log.info("test installation {} started on {} (node {}, mpps {})", prefix, settings.redacted(), node.id(),
                    mpps);
            return new ImpetusInstallation(settings, key, dir, coordinator, node);
        }

        private static void awaitAnswer(ConnectionSettings settings, SigningKey signing) {
            try (Impetus probe = Impetus.builder().settings(settings).signingKey(signing).connect()) {
                long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
                while (true) {
                    Impetus.Health health = probe.health(Duration.ofSeconds(5));
                    if (health.up()) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the test installation's coordinator did not answer within "
                                + START_TIMEOUT.toSeconds() + " s: " + health.detail());
                    }
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }
        }

        private static String prefixFor(String name) {
            String base = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
            base = base.isEmpty() ? "test" : base.substring(0, Math.min(base.length(), 30));
            return "it-" + base + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
