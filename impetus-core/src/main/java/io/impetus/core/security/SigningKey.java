package io.impetus.core.security;

import io.impetus.core.error.InvalidPropertyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's signing key, separate from every broker password: clients sign the jobs they
 * fork, nodes check them before anything runs and sign the results they send back (HMAC-SHA256).
 * Whoever holds it can make jobs that nodes run, so it goes only to clients, coordinators and
 * nodes of one installation. Given as base64 (32 bytes or more) in {@code IMPETUS_SIGNING_KEY}
 * or in a file ({@code IMPETUS_SIGNING_KEY_FILE}, {@code --signing-key-file}); {@link #generate}
 * makes one. Thread-safe.
 */
public final class SigningKey {
    public static final String ENV = "IMPETUS_SIGNING_KEY";
    public static final String ENV_FILE = "IMPETUS_SIGNING_KEY_FILE";
    static final int MIN_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    private SigningKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
            }
        });
    }

    /** A key from its base64 text; fewer than 32 bytes is refused. */
    public static SigningKey parse(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("signing-key", "the signing key in " + source + " is not base64");
        }
        if (bytes.length < MIN_BYTES) {
            throw new InvalidPropertyException("signing-key", "the signing key in " + source + " has " + bytes.length
                    + " bytes; it needs at least " + MIN_BYTES + " (make one with 'impetus keygen')");
        }
        return new SigningKey(bytes);
    }

    /** The key in {@code file}. */
    public static SigningKey fromFile(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new InvalidPropertyException("signing-key-file", "cannot read the signing key file " + file + ": "
                    + e.getMessage());
        }
    }

    /** The key {@code env} gives ({@code IMPETUS_SIGNING_KEY}, else {@code IMPETUS_SIGNING_KEY_FILE}), or {@code null}. */
    public static SigningKey fromEnvironment(Map<String, String> env) {
        String text = env.get(ENV);
        if (text != null && !text.isBlank()) {
            return parse(text, ENV);
        }
        String file = env.get(ENV_FILE);
        return file == null || file.isBlank() ? null : fromFile(Path.of(file));
    }

    /** System property with the key's base64 text, for programs (and tests) that set it in-process. */
    public static final String PROPERTY = "impetus.signingKey";

    /** This process's key: {@code IMPETUS_SIGNING_KEY}, {@code IMPETUS_SIGNING_KEY_FILE}, else {@link #PROPERTY}; or {@code null}. */
    public static SigningKey configured() {
        String text = configuredText();
        return text == null ? null : parse(text, "the configured signing key");
    }

    /**
     * The base64 text of this process's key, found as {@link #configured()} finds it, or {@code null}
     * (for a process that hands the key on to processes it starts).
     */
    public static String configuredText() {
        String text = System.getenv(ENV);
        if (text != null && !text.isBlank()) {
            return text.strip();
        }
        String file = System.getenv(ENV_FILE);
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new InvalidPropertyException("signing-key-file", "cannot read the signing key file " + file + ": "
                        + e.getMessage());
            }
        }
        text = System.getProperty(PROPERTY);
        return text == null || text.isBlank() ? null : text.strip();
    }

    /** A new random key, as base64 text. */
    public static String generate() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** HMAC-SHA256 of {@code data}, base64. */
    public String sign(byte[] data) {
        return Base64.getEncoder().encodeToString(macs.get().doFinal(data));
    }

    /** Whether {@code signature} is this key's signature of {@code data} (compared in constant time). */
    public boolean verify(byte[] data, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(macs.get().doFinal(data), given);
    }

    @Override
    public String toString() {
        return "SigningKey[hidden]";
    }
}
