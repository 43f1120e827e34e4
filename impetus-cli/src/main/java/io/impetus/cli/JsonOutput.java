package io.impetus.cli;

import io.impetus.core.codec.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import picocli.CommandLine.Option;

/** The {@code --json} option of the view commands: a value printed as JSON, or as the command's table. */
final class JsonOutput {
    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    <T> void print(PrintWriter out, T value, BiConsumer<PrintWriter, T> table) {
        if (json) {
            out.println(new String(Json.write(value), StandardCharsets.UTF_8));
        } else {
            table.accept(out, value);
        }
        out.flush();
    }
}
