package io.impetus.cli;

import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.security.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code impetus keygen [FILE]}: a new signing key for an installation. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Makes a new signing key (base64, 32 random bytes): written to FILE (0600, never over an"
                + " existing file), or printed. Give it to clients, coordinators and nodes with IMPETUS_SIGNING_KEY,"
                + " IMPETUS_SIGNING_KEY_FILE or --signing-key-file.")
final class KeygenCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "where to write the key")
    Path file;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String key = SigningKey.generate();
        if (file == null) {
            spec.commandLine().getOut().println(key);
            return 0;
        }
        if (Files.exists(file)) {
            throw new InvalidPropertyException("file", file + " exists; keygen never overwrites a key");
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        OwnerOnly.file(file);
        Files.writeString(file, key + "\n", StandardCharsets.US_ASCII);
        spec.commandLine().getOut().println("impetus keygen: wrote a new signing key to " + file + " (owner-only)");
        return 0;
    }
}
