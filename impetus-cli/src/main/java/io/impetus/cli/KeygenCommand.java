package io.impetus.cli;

import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.security.SigningKey;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code impetus keygen [FILE]}: a new signing key for an installation; with {@code --rotate},
 * {@code --promote} or {@code --retire}, one step of rotating the keys in FILE (docs/SECURITY.md,
 * Rotating the key).
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Makes a new signing key (base64, 32 random bytes): written to FILE (0600, never over an"
                + " existing file), or printed. Give it to clients, coordinators and nodes with IMPETUS_SIGNING_KEY,"
                + " IMPETUS_SIGNING_KEY_FILE or --signing-key-file. To rotate the keys in FILE, without stopping"
                + " anything: --rotate, then --promote, then --retire, each step given to every process before the"
                + " next (docs/SECURITY.md, Rotating the key).")
final class KeygenCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "where to write the key")
    Path file;

    @ArgGroup(exclusive = true)
    Step step;

    static final class Step {
        @Option(names = "--rotate", description = "step 1: add a new key to FILE, accepted but not yet signing")
        boolean rotate;
        @Option(names = "--promote", description = "step 2: the newest key in FILE becomes the signing key")
        boolean promote;
        @Option(names = "--retire", description = "step 3: keep only the signing key in FILE")
        boolean retire;
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (step != null) {
            if (file == null) {
                throw new InvalidPropertyException("file", "--rotate, --promote and --retire change a key FILE: name it");
            }
            return rotationStep(out);
        }
        String key = SigningKey.generate();
        if (file == null) {
            out.println(key);
            return 0;
        }
        if (Files.exists(file)) {
            throw new InvalidPropertyException("file", file + " exists; keygen never overwrites a key (to add one:"
                    + " 'impetus keygen --rotate " + file + "')");
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        OwnerOnly.file(file);
        Files.writeString(file, key + "\n", StandardCharsets.US_ASCII);
        out.println("impetus keygen: wrote a new signing key (key id " + SigningKey.keyIdOf(key) + ") to " + file
                + " (owner-only)");
        return 0;
    }

    private int rotationStep(PrintWriter out) throws Exception {
        KeyFile keys = KeyFile.read(file);
        if (step.rotate) {
            String id = keys.add(SigningKey.generate());
            keys.write();
            out.println("impetus keygen: added key " + id + " to " + file + ", accepted but not signing; give " + file
                    + " to every client, coordinator and node, then run 'impetus keygen --promote " + file + "'");
        } else if (step.promote) {
            String id = keys.promoteNewest();
            keys.write();
            out.println("impetus keygen: key " + id + " now signs in " + file + "; the others stay accepted. Give " + file
                    + " to every process, and once no job signed with an older key is left (delayed jobs included),"
                    + " run 'impetus keygen --retire " + file + "'");
        } else {
            List<String> retired = keys.retireOthers();
            keys.write();
            out.println("impetus keygen: retired " + (retired.isEmpty() ? "no key" : "key(s) " + String.join(", ", retired))
                    + " from " + file + "; " + SigningKey.keyIdOf(keys.keys().get(0)) + " alone signs and is accepted."
                    + " Give " + file + " to every process");
        }
        return 0;
    }
}
