package io.impetus.cli;

import io.impetus.core.codec.Json;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.error.InvalidPropertyException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code impetus dead}: the jobs that failed for good (and messages that were never valid), read
 * from {@code impetus.dead} without taking them: list, show one decoded, replay (publish the job to
 * its stream again, attempts reset) or discard.
 */
@Command(name = "dead", mixinStandardHelpOptions = true, description = "Dead letters: list [--stream S],"
        + " show ID, replay ID | replay --stream S --all, discard ID | discard --stream S --all.")
final class DeadCommand implements Callable<Integer> {
    @Mixin
    SignedControlOptions options;

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
        PrintWriter out = options.out();
        // the stream is looked up as before, with the environment's key; the replayed jobs are signed with --signing-key-file's
        try (ControlSession session = options.connect(ControlSession.DEFAULT_TIMEOUT, ControlOptions::environmentKey)) {
            DeadLetters dead = new DeadLetters(session.broker(), session.topology());
            switch (action) {
                case "list" -> options.print(dead.list(stream, Math.max(0, offset), Math.max(1, limit)), DeadCommand::table);
                case "show" -> {
                    DeadLetters.DeadLetter d = dead.find(required()).orElse(null);
                    if (d == null) {
                        out.println("impetus dead: no dead letter " + id);
                        return Impetus.FAILURE;
                    }
                    options.print(d, (w, x) -> w.println(new String(Json.write(x),
                            StandardCharsets.UTF_8)));
                }
                case "replay" -> {
                    int n = dead.replay(which(), session.control(), options.signing.resolve());
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
