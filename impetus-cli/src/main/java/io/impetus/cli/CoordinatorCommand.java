package io.impetus.cli;

import io.impetus.coordinator.Coordinator;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.metrics.Metrics;
import io.impetus.core.stream.QueueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code impetus coordinator start|stop|restart|foreground}: the seed's Queue. */
@Command(name = "coordinator", aliases = "queue", mixinStandardHelpOptions = true,
        description = "The coordinator (the seed's Queue): streams, their store, delayed jobs, rate permits, control RPCs.")
final class CoordinatorCommand extends DaemonCommand {
    @Mixin
    BrokerOptions broker;

    @Mixin
    SigningOptions signing;

    @Mixin
    HttpOptions http;

    /** Where the store lives unless --data-dir says otherwise. */
    static final Path DEFAULT_DATA_DIR = Path.of("data", "coordinator");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the coordinator keeps its store (default: data/coordinator)")
    Path dataDir = DEFAULT_DATA_DIR;

    @Option(names = "--store", paramLabel = "WHERE", description = "where streams, bundles and delayed jobs are kept:"
            + " 'h2' (an embedded file under --data-dir, the default) or jdbc:postgresql://host:5432/db?user=…&password=…,"
            + " shared by coordinators on several machines (one active, the others stand by); env IMPETUS_STORE")
    String store = System.getenv("IMPETUS_STORE");

    @Option(names = "--store-retention-days", paramLabel = "DAYS", description = "how long the store keeps a closed"
            + " stream's row after its queues were removed, and a gone coordinator's lease (default 7); env"
            + " IMPETUS_STORE_RETENTION_DAYS")
    int storeRetentionDays = (int) Coordinator.DEFAULT_STORE_RETENTION.toDays(); // env and config: ConfigDefaults

    @Option(names = "--default-queue-type", paramLabel = "TYPE", description = "queue type of streams created without"
            + " queueType, and of the control, delayed and dead queues: classic (default) or quorum (replicated on a"
            + " RabbitMQ cluster); env IMPETUS_DEFAULT_QUEUE_TYPE", converter = QueueTypeConverter.class)
    QueueType defaultQueueType = QueueType.parse(
            "IMPETUS_DEFAULT_QUEUE_TYPE", System.getenv().getOrDefault("IMPETUS_DEFAULT_QUEUE_TYPE", "classic"));

    /** Reads classic or quorum with the same message as a stream property. */
    static final class QueueTypeConverter implements picocli.CommandLine.ITypeConverter<QueueType> {
        @Override
        public QueueType convert(String value) {
            try {
                return QueueType.parse("--default-queue-type", value);
            } catch (InvalidPropertyException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    String fileName() {
        return "Coordinator";
    }

    @Override
    void checkOptions() {
        http.check();
        if (storeRetentionDays < 1) {
            throw new InvalidPropertyException("store-retention-days", "--store-retention-days"
                    + " (IMPETUS_STORE_RETENTION_DAYS) must be at least 1, was " + storeRetentionDays);
        }
    }

    @Override
    AutoCloseable startHere() {
        checkOptions(); // before the store is opened and the broker connected
        Coordinator coordinator = new Coordinator(Coordinator.Options.builder(broker.resolve(), dataDir)
                .signingKey(signing.resolve()).store(store).defaultQueueType(defaultQueueType)
                .storeRetention(Duration.ofDays(storeRetentionDays)).build());
        coordinator.start();
        try {
            Map<String, DaemonEndpoint.Handler> routes =
                    new LinkedHashMap<>(coordinator.statusRoutes());
            routes.put("/metrics", Metrics.handler(coordinator.metrics()));
            return HttpOptions.together(coordinator, http.start("coordinator", routes));
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
    }
}
