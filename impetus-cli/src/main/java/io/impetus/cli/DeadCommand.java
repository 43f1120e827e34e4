package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.codec.Json;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.rpc.ControlClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code impetus dead}: the jobs that failed for good (and messages that were never valid), read
 * from {@code impetus.dead} without taking them: list, show one decoded, replay (publish the job to
 * its stream again, attempts reset) or discard.
 */
@Command(name = "dead", mixinStandardHelpOptions = true, description = "Dead letters: list [--stream S],"
        + " show ID, replay ID | replay --stream S --all, discard ID | discard --stream S --all.")
final class DeadCommand implements Callable<Integer> {
    @Mixin
    BrokerOptions broker;

    @Mixin
    SigningOptions signing;

    @Mixin
    JsonOutput output;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "list (default), show, replay, discard")
    String action = "list";

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "the dead letter's id (its job id)")
    String id;

    @Option(names = "--stream", paramLabel = "S", description = "only the dead letters of this stream")
    String stream;

    @Option(names = "--all", description = "with replay or discard and --stream: every dead letter of the stream")
    boolean all;

    @Option(names = "--limit", description = "how many to list (default: ${DEFAULT-VALUE})")
    int limit = 50;

    @Option(names = "--offset", description = "how many to skip first (default: ${DEFAULT-VALUE})")
    int offset = 0;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConnectionSettings settings = broker.resolve();
        try (Broker b = Brokers.connect(settings, "impetus dead")) {
            DeadLetters dead = new DeadLetters(b, settings.topology());
            switch (action) {
                case "list" -> output.print(out, dead.list(stream, Math.max(0, offset), Math.max(1, limit)), DeadCommand::table);
                case "show" -> {
                    DeadLetters.DeadLetter d = dead.find(required()).orElse(null);
                    if (d == null) {
                        out.println("impetus dead: no dead letter " + id);
                        return Impetus.FAILURE;
                    }
                    output.print(out, d, (w, x) -> w.println(new String(Json.write(x),
                            StandardCharsets.UTF_8)));
                }
                case "replay" -> {
                    int n = dead.replay(which(), new ControlClient(b, settings.topology(), Duration.ofSeconds(10)),
                            signing.resolve());
                    out.printf("replayed %d dead letter(s)%n", n);
                    return n > 0 ? 0 : Impetus.FAILURE;
                }
                case "discard" -> {
                    int n = dead.discard(which());
                    out.printf("discarded %d dead letter(s)%n", n);
                    return n > 0 ? 0 : Impetus.FAILURE;
                }
                default -> throw new InvalidPropertyException("action", "impetus dead: unknown action '" + action
                        + "' (list, show, replay, discard)");
            }
        }
        out.flush();
        return 0;
    }

    private String required() {
        if (id == null || id.isBlank()) {
            throw new InvalidPropertyException("id", "impetus dead " + action + ": give the dead letter's id");
        }
        return id;
    }

    /** One id, or with --stream S --all every letter of the stream. */
    private Predicate<DeadLetters.DeadLetter> which() {
        if (id != null && !id.isBlank()) {
            return d -> id.equals(d.id());
        }
        if (all && stream != null) {
            return d -> stream.equals(d.stream());
        }
        throw new InvalidPropertyException("id", action + ": give an id, or --stream S --all");
    }

    static void table(PrintWriter out, List<DeadLetters.DeadLetter> letters) {
        out.printf("%-6s %-40s %-24s %-20s %-24s %s%n", "#", "ID", "STREAM", "JOB", "TIME", "REASON");
        for (DeadLetters.DeadLetter d : letters) {
            out.printf("%-6d %-40s %-24s %-20s %-24s %s%n", d.position(), d.id(), d.stream(),
                    d.name() == null ? "-" : d.name(), d.time() == null ? "-" : d.time(), d.reason());
        }
        if (letters.isEmpty()) {
            out.println("(no dead letters)");
        }
    }

}
