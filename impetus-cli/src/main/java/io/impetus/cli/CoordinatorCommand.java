package io.impetus.cli;

import io.impetus.coordinator.Coordinator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code impetus coordinator foreground}: the seed's Queue. */
@Command(name = "coordinator", aliases = "queue", mixinStandardHelpOptions = true,
        description = "The coordinator (the seed's Queue): streams, their store and control RPCs.")
final class CoordinatorCommand implements Callable<Integer> {
    /** Where the store lives unless --data-dir says otherwise. */
    static final Path DEFAULT_DATA_DIR = Path.of("data", "coordinator");

    @Parameters(index = "0", paramLabel = "ACTION", description = "foreground: run in this terminal until stopped")
    Action action;

    enum Action { foreground }

    @Mixin
    BrokerOptions broker;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where the coordinator keeps its store (default: data/coordinator)")
    Path dataDir = DEFAULT_DATA_DIR;

    @Override
    public Integer call() throws Exception {
        Coordinator coordinator = new Coordinator(Coordinator.Options.of(broker.resolve(), dataDir));
        coordinator.start();
        return Daemons.runUntilSignalled("coordinator", coordinator);
    }
}
