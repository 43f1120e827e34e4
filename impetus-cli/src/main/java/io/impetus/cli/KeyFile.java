package io.impetus.cli;

import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.security.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A signing key file as a rotation changes it: its keys in order (the first signs, all are
 * accepted), written back whole through a temporary owner-only file moved into place, so a process
 * that reads it meanwhile sees the old file or the new one, never half of one.
 */
final class KeyFile {
    private final Path file;
    private final List<String> keys;

    private KeyFile(Path file, List<String> keys) {
        this.file = file;
        this.keys = keys;
    }

    static KeyFile read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new InvalidPropertyException("file", file + " does not exist; make the first key with 'impetus keygen "
                    + file + "'");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        SigningKey.parse(text, file.toString()); // refuses a garbled file before anything changes
        List<String> keys = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String content = line.strip();
            if (!content.isEmpty() && !content.startsWith("#")) {
                for (String k : content.split("[\\s,]+")) {
                    if (keys.stream().noneMatch(k::equals)) {
                        keys.add(k);
                    }
                }
            }
        }
        return new KeyFile(file, keys);
    }

    List<String> keys() {
        return List.copyOf(keys);
    }

    /** Adds {@code key} as an accepted key, after the others (the signing key stays first). */
    String add(String key) {
        keys.add(key);
        return SigningKey.keyIdOf(key);
    }

    /** The newest key (the last) becomes the signing key; the others stay accepted. */
    String promoteNewest() {
        if (keys.size() < 2) {
            throw new InvalidPropertyException("file", file + " holds one key; add a new one first with 'impetus keygen"
                    + " --rotate " + file + "'");
        }
        String newest = keys.remove(keys.size() - 1);
        keys.add(0, newest);
        return SigningKey.keyIdOf(newest);
    }

    /** Keeps only the signing key; returns the ids of the keys retired. */
    List<String> retireOthers() {
        List<String> retired = keys.subList(1, keys.size()).stream().map(SigningKey::keyIdOf).toList();
        keys.subList(1, keys.size()).clear();
        return retired;
    }

    void write() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        OwnerOnly.file(tmp);
        Files.writeString(tmp, "# impetus signing keys: the first signs, every one is accepted (docs/SECURITY.md)\n"
                + String.join("\n", keys) + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
