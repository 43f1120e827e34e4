package io.impetus.cli;

import io.impetus.coordinator.Coordinator;
import java.nio.file.Path;
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

    /** Where the store lives unless --data-dir says otherwise. */
    static final Path DEFAULT_DATA_DIR = Path.of("data", "coordinator");

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the coordinator keeps its store (default: data/coordinator)")
    Path dataDir = DEFAULT_DATA_DIR;

    @Override
    String fileName() {
        return "Coordinator";
    }

    @Override
    AutoCloseable startHere() {
        Coordinator.Options defaults = Coordinator.Options.of(broker.resolve(), dataDir);
        Coordinator coordinator = new Coordinator(new Coordinator.Options(defaults.settings(), dataDir,
                defaults.rpcThreads(), defaults.clock(), signing.resolve(), null));
        coordinator.start();
        return coordinator;
    }
}
