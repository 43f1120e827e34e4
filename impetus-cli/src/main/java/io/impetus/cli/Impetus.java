package io.impetus.cli;

import io.impetus.core.broker.BrokerCallTimeout;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.codec.Limits;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.error.InvalidPropertyException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code impetus} launcher: one command with a subcommand per part. */
@Command(name = "impetus", mixinStandardHelpOptions = true, versionProvider = Impetus.Version.class,
        description = "Auto-scaling, asynchronous, distributed job processing on RabbitMQ.",
        subcommands = {CheckCommand.class, CoordinatorCommand.class, NodeCommand.class, DemoCommand.class,
                ScalerCommand.class, StreamsCommand.class, DeadCommand.class, NodesCommand.class, StatusCommand.class, WatchCommand.class, CancelCommand.class, JobCommand.class, SchedulesCommand.class,
                KeygenCommand.class, NewCommand.class,
                CommandLine.HelpCommand.class})
public final class Impetus implements Runnable {
    /** Exit status of a runtime failure (broker down, job failed, ...). */
    public static final int FAILURE = 1;
    /** Exit status of a usage error (unknown option, invalid value). */
    public static final int USAGE = 2;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status: 0 ok, 1 runtime failure, 2 usage. */
    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** {@link #run(String...)} in the environment {@code env}: the one place a command reads it for the whole process. */
    static int run(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new Impetus());
        try {
            cli.setDefaultValueProvider(ConfigDefaults.load(args, env));
            Limits.useForThisProcess(Limits.fromEnvironment(env)); // read here, used by every decoder
            PublishDeadline.useForThisProcess(PublishDeadline.fromEnvironment(env)); // and by every connection
            BrokerCallTimeout.useForThisProcess(BrokerCallTimeout.fromEnvironment(env));
        } catch (InvalidPropertyException e) {
            cli.getErr().println("impetus: " + e.getMessage());
            return USAGE;
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ImpetusException) {
                commandLine.getErr().println("impetus " + commandLine.getCommandName() + ": " + e.getMessage());
                return e instanceof InvalidPropertyException ? USAGE : FAILURE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Impetus.class.getResourceAsStream("/impetus-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"impetus " + p.getProperty("version", "unknown"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
