package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.BrokerException;
import io.impetus.core.management.ManagementClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Connects to the broker and says what it found. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Connect to RabbitMQ and print its version, the vhost and whether the management API answers.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    BrokerOptions broker;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConnectionSettings settings = broker.resolve();
        try (Broker b = Brokers.connect(settings, "impetus check")) {
            out.printf("RabbitMQ %s at %s%n", b.serverVersion(), settings.redacted());
            out.printf("vhost: %s%n", settings.vhost());
        }
        ManagementClient management = new ManagementClient(settings);
        try {
            ManagementClient.Overview o = management.overview();
            out.printf("management API: answering at %s (management %s)%n", management.base(), o.managementVersion());
        } catch (BrokerException e) {
            out.printf("management API: not answering at %s — %s%n", management.base(), e.getMessage());
        }
        out.flush();
        return 0;
    }
}
