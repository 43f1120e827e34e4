package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.security.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a daemon finds the installation's signing key: {@code --signing-key-file}, else
 * {@code IMPETUS_SIGNING_KEY} or {@code IMPETUS_SIGNING_KEY_FILE}. ({@code --signing-key} is how
 * {@code start} hands the key over; it is not for people to type.)
 */
public final class SigningOptions {
    @Option(names = "--signing-key-file", paramLabel = "FILE",
            description = "the installation's signing key (else IMPETUS_SIGNING_KEY or IMPETUS_SIGNING_KEY_FILE);"
                    + " make one with 'impetus keygen'")
    Path file;

    @Option(names = "--signing-key", hidden = true, description = "the signing key itself (how start hands it over)")
    String key;

    /** The key's base64 text, or {@code null} when none is given anywhere. */
    String text() {
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new InvalidPropertyException("signing-key-file",
                        "cannot read the signing key file " + file + ": " + e.getMessage());
            }
        }
        return SigningKey.configuredText(System.getenv(), System::getProperty);
    }

    /** The key, or {@code null}. */
    SigningKey resolve() {
        if ((key == null || key.isBlank()) && file != null) {
            return SigningKey.fromFile(file); // read again when a rotation step changes it
        }
        if (key == null || key.isBlank()) {
            return SigningKey.configured(System.getenv(), System::getProperty);
        }
        return SigningKey.parse(key, "the signing key");
    }
}
