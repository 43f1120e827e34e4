package io.impetus.core.security;

import io.impetus.core.error.InvalidPropertyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installation's signing keys, separate from every broker password: clients sign the jobs they
 * fork, nodes check them before anything runs and sign the results they send back, and every
 * control-plane message is signed (HMAC-SHA256). A process has one <em>signing</em> key and a set of
 * <em>accepted</em> keys (the signing key, and the older or newer keys of a rotation): given as base64
 * keys (32 bytes or more each), one a line (or separated by spaces or commas), the first the signing
 * key, lines starting with {@code #} ignored; in {@code IMPETUS_SIGNING_KEY} or in a file
 * ({@code IMPETUS_SIGNING_KEY_FILE}, {@code --signing-key-file}). {@link #generate} makes one key;
 * {@code impetus keygen --rotate} adds one to a file. A signature is {@code KEYID:BASE64}, the key
 * id the first 8 bytes of the SHA-256 of the key, hex; a signature without a key id (made before key
 * ids) is checked against every accepted key. Whoever holds a key can make jobs that nodes run, so
 * it goes only to clients, coordinators and nodes of one installation. Keys from a file are read
 * again when the file changes, so a rotation reaches running processes. Thread-safe.
 */
public final class SigningKey {
    public static final String ENV = "IMPETUS_SIGNING_KEY";
    public static final String ENV_FILE = "IMPETUS_SIGNING_KEY_FILE";
    /** System property with the keys' text, for programs (and tests) that set it in-process. */
    public static final String PROPERTY = "impetus.signingKey";
    static final int MIN_BYTES = 32;

    /** How often a key file is looked at again for a rotation step. */
    static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    /** The keys as last read: the signing key first. */
    private record Ring(HmacKey signing, Map<String, HmacKey> accepted) {
        static Ring of(List<HmacKey> keys) {
            Map<String, HmacKey> byId = new LinkedHashMap<>();
            keys.forEach(k -> byId.putIfAbsent(k.id(), k));
            return new Ring(keys.get(0), Map.copyOf(byId));
        }
    }

    private volatile Ring ring;
    /** The file the keys came from (read again when it changes), or null. */
    private final Path file;
    /** What the file looked like when last read: its modification time, size and identity (inode). */
    private volatile String seen;
    private volatile long lookedAt = System.nanoTime();

    private SigningKey(List<HmacKey> keys, Path file, String seen) {
        this.ring = Ring.of(keys);
        this.file = file;
        this.seen = seen;
    }

    /**
     * The keys, read again from their file when it changed (at most once a second): so each step of
     * a rotation reaches a running process without a restart. A file that cannot be read or parsed
     * leaves the keys as they were, with a WARN.
     */
    private Ring ring() {
        if (file != null && System.nanoTime() - lookedAt > RELOAD_NANOS) {
            lookedAt = System.nanoTime();
            try {
                String now = stamp(file);
                if (!now.equals(seen)) {
                    seen = now; // a file that does not parse is warned about once per change, not every second
                    Ring fresh = Ring.of(keys(readFile(file), file.toString()));
                    if (!fresh.accepted().keySet().equals(ring.accepted().keySet())
                            || !fresh.signing().id().equals(ring.signing().id())) {
                        log.info("signing keys read again from {}: signs with {}, accepts {}", file, fresh.signing().id(),
                                fresh.accepted().keySet());
                    }
                    ring = fresh;
                }
            } catch (IOException | RuntimeException e) {
                log.warn("signing keys in {} not read again ({}); keeping {}", file, e.getMessage(),
                        ring.accepted().keySet());
            }
        }
        return ring;
    }

    /**
     * The file's modification time, size and identity: a rotation step moves a new file into place
     * (a new inode), which is seen even when it lands within the file system's timestamp granularity of
     * the last write.
     */
    private static String stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file,
                BasicFileAttributes.class);
        return a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey();
    }

    /** The keys in {@code text} (the first signs, all are accepted); a key shorter than 32 bytes is refused. */
    public static SigningKey parse(String text, String source) {
        return new SigningKey(keys(text, source), null, null);
    }

    private static List<HmacKey> keys(String text, String source) {
        List<HmacKey> keys = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            for (String token : content.split("[\\s,]+")) {
                keys.add(new HmacKey(decode(token, source, keys.size() + 1)));
            }
        }
        if (keys.isEmpty()) {
            throw new InvalidPropertyException("signing-key", "there is no signing key in " + source
                    + " (make one with 'impetus keygen')");
        }
        return keys;
    }

    private static byte[] decode(String base64, String source, int n) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("signing-key", "the signing key" + (n > 1 ? " #" + n : "") + " in "
                    + source + " is not base64");
        }
        if (bytes.length < MIN_BYTES) {
            throw new InvalidPropertyException("signing-key", "the signing key" + (n > 1 ? " #" + n : "") + " in "
                    + source + " has " + bytes.length + " bytes; it needs at least " + MIN_BYTES
                    + " (make one with 'impetus keygen')");
        }
        return bytes;
    }

    /** The keys in {@code file}, read again whenever it changes (a rotation step, 'impetus keygen --rotate'). */
    public static SigningKey fromFile(Path file) {
        try {
            String stamp = stamp(file);
            return new SigningKey(keys(readFile(file), file.toString()), file, stamp);
        } catch (IOException e) {
            throw new InvalidPropertyException("signing-key-file", "cannot read the signing key file " + file + ": "
                    + e.getMessage());
        }
    }

    /** The keys {@code env} gives ({@code IMPETUS_SIGNING_KEY}, else {@code IMPETUS_SIGNING_KEY_FILE}), or {@code null}. */
    public static SigningKey fromEnvironment(Map<String, String> env) {
        String text = env.get(ENV);
        if (text != null && !text.isBlank()) {
            return parse(text, ENV);
        }
        String file = env.get(ENV_FILE);
        return file == null || file.isBlank() ? null : fromFile(Path.of(file));
    }

    /**
     * This process's keys, as {@link #configured(Map, UnaryOperator)} finds them in its environment and
     * system properties, read now; or {@code null}.
     *
     *
     * <p>The edge of a program that embeds Impetus: the default of the builders ({@code ClientOptions},
     * {@code Impetus.builder()}, {@code NodeOptions}, {@code Coordinator.Options}) when the program passes no key,
     * read once at {@code build()}. Processes that Impetus starts itself read it in their {@code main} and pass it
     * ({@link #configured(Map, UnaryOperator)}).
     */
    public static SigningKey configured() {
        return configured(System.getenv(), System::getProperty);
    }

    /**
     * The keys {@code env} and {@code properties} give: {@code IMPETUS_SIGNING_KEY}, {@code IMPETUS_SIGNING_KEY_FILE}
     * (read again whenever the file changes), else the property {@link #PROPERTY}; or {@code null}.
     */
    public static SigningKey configured(Map<String, String> env, UnaryOperator<String> properties) {
        String text = env.get(ENV);
        String file = env.get(ENV_FILE);
        if ((text == null || text.isBlank()) && file != null && !file.isBlank()) {
            return fromFile(Path.of(file));
        }
        text = configuredText(env, properties);
        return text == null ? null : parse(text, "the configured signing key");
    }

    /**
     * The text of the keys, found as {@link #configured(Map, UnaryOperator)} finds them, or {@code null} (for a
     * process that hands the keys on to processes it starts).
     */
    public static String configuredText(Map<String, String> env, UnaryOperator<String> properties) {
        String text = env.get(ENV);
        if (text != null && !text.isBlank()) {
            return text.strip();
        }
        String file = env.get(ENV_FILE);
        if (file != null && !file.isBlank()) {
            return readFile(Path.of(file)).strip();
        }
        text = properties.apply(PROPERTY);
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new InvalidPropertyException("signing-key-file", "cannot read the signing key file " + file + ": "
                    + e.getMessage());
        }
    }

    /** A new random key, as base64 text. */
    public static String generate() {
        byte[] bytes = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The key id of the base64 key {@code base64} (as a signature made with it names it). */
    public static String keyIdOf(String base64) {
        return HmacKey.idOf(decode(base64.strip(), "the given key", 1));
    }

    /** The id of the key this process signs with. */
    public String keyId() {
        return ring().signing().id();
    }

    /** The ids of every key this process accepts, the signing key's among them. */
    public Set<String> acceptedKeyIds() {
        return ring().accepted().keySet();
    }

    /** The signature of {@code data} with the signing key: {@code KEYID:BASE64}. */
    public String sign(byte[] data) {
        return sign(data, data.length);
    }

    /** The signature of the first {@code length} bytes of {@code data} (a reused buffer) with the signing key. */
    public String sign(byte[] data, int length) {
        HmacKey signing = ring().signing();
        return signing.id() + ":" + Base64.getEncoder().encodeToString(signing.mac(data, length));
    }

    /** Whether {@code signature} is a signature of {@code data} by an accepted key (compared in constant time). */
    public boolean verify(byte[] data, String signature) {
        return check(data, signature).valid();
    }

    /** Whether {@code signature} is a signature of {@code data} by an accepted key, and if not, why not. */
    public SignatureCheck check(byte[] data, String signature) {
        return check(data, data.length, signature);
    }

    /** {@link #check(byte[], String)} of the first {@code length} bytes of {@code data} (a reused buffer). */
    public SignatureCheck check(byte[] data, int length, String signature) {
        if (signature == null || signature.isEmpty()) {
            return SignatureCheck.unsigned();
        }
        Map<String, HmacKey> accepted = ring().accepted();
        int colon = signature.indexOf(':');
        byte[] mac;
        try {
            mac = Base64.getDecoder().decode(colon < 0 ? signature : signature.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return SignatureCheck.malformed();
        }
        if (colon < 0) { // made before key ids: any accepted key may have made it
            for (HmacKey k : accepted.values()) {
                if (k.matches(data, length, mac)) {
                    return SignatureCheck.ok(k.id());
                }
            }
            return SignatureCheck.mismatch(null);
        }
        String kid = signature.substring(0, colon);
        if (!HmacKey.isKeyId(kid)) {
            return SignatureCheck.malformed();
        }
        HmacKey k = accepted.get(kid);
        if (k == null) {
            return SignatureCheck.unknownKey(kid);
        }
        return k.matches(data, length, mac) ? SignatureCheck.ok(kid) : SignatureCheck.mismatch(kid);
    }

    @Override
    public String toString() {
        Ring r = ring;
        return "SigningKey[signs with " + r.signing().id() + ", accepts " + r.accepted().size() + " key(s), hidden]";
    }
}
