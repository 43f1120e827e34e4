package io.impetus.cli;

import io.impetus.core.security.SigningKey;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The options of a command that asks the coordinator and prints what it says ({@code nodes}, {@code streams},
 * {@code status}, {@code job}): how to find RabbitMQ ({@link BrokerOptions}) and {@code --json}. A new view
 * command takes this mixin and {@link #connect}s; an option every such command should have goes here (one
 * that only the commands that change things need goes in {@link SignedControlOptions}).
 */
class ControlOptions {
    @Mixin
    BrokerOptions broker;

    @Mixin
    JsonOutput output;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Connects as {@code impetus <command>}; requests wait {@link ControlSession#DEFAULT_TIMEOUT}. */
    ControlSession connect() {
        return connect(ControlSession.DEFAULT_TIMEOUT);
    }

    /** {@link #connect()} with requests waiting {@code timeout}, signed with {@link #key()}. */
    ControlSession connect(Duration timeout) {
        return connect(timeout, key());
    }

    ControlSession connect(Duration timeout, Supplier<SigningKey> key) {
        return ControlSession.open(broker.resolve(), command.name(), timeout, key);
    }

    /** The key requests are signed with: this process's environment's ({@code IMPETUS_SIGNING_KEY[_FILE]}), if any. */
    Supplier<SigningKey> key() {
        return ControlOptions::environmentKey;
    }

    /** Where the command prints. */
    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** Prints {@code value} as JSON with {@code --json}, else as {@code table} prints it. */
    <T> void print(T value, BiConsumer<PrintWriter, T> table) {
        output.print(out(), value, table);
    }

    static SigningKey environmentKey() {
        return SigningKey.configured(System.getenv(), System::getProperty);
    }
}
