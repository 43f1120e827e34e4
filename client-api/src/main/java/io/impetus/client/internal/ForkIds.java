package io.impetus.client.internal;

import io.impetus.core.codec.Json;
import io.impetus.core.config.OwnerOnly;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids of a {@code Client}'s forks, the same in every run with the same client id: a name-based
 * UUID of a secret of the client's own (kept in its task folder), the client id, the fork's parent
 * (the results its stage was handling, or the startup stage), the forking stage, the stream, the
 * callback stage, the function, the argument (as JSON) and how many times this same fork was made
 * before from the same parent. A rerun that forks again what an earlier run forked gets the earlier
 * ids, so the session can tell a job whose result is already in the task files, or that was already
 * sent, from a new one.
 *
 * <p>Not a plain sequence number: stages fork from several threads and handle results in batches
 * that differ from run to run, so the n-th fork of a rerun need not be the n-th of the first run,
 * and taking one for the other would skip a job that never ran. The parent is in the id for the same
 * reason: the same fork made while handling two different results is two jobs, and a rerun that skips
 * the first result (its batch is in the task file) must not take the second's fork for the first's.
 * A rerun whose batches differ from the first run's is at worst not recognised (a job sent again; the
 * client keeps one result), never wrongly skipped. The secret keeps the ids unguessable: the client
 * id is printed, and a job id someone else can compute is one they can answer for. Thread-safe;
 * costs about 32 bytes a fork (like the delivered ids).
 */
public final class ForkIds {
    private static final Logger log = LoggerFactory.getLogger(ForkIds.class);
    /** The secret's file in the client's task folder. */
    static final String SECRET_FILE = "fork-ids.secret";

    private final byte[] secret;
    private final String clientId;
    private final IdSet seen = new IdSet();
    /** Forks made more than once from one parent in this run (rare): how many times so far. */
    private final Map<String, Integer> repeats = new ConcurrentHashMap<>();

    public ForkIds(String clientId, byte[] secret) {
        this.clientId = clientId;
        this.secret = secret.clone();
    }

    /**
     * The secret kept in {@code directory} (made, owner-only, on a first run). One that cannot be read
     * or written gives a new random secret: that run's forks are then not recognised by a rerun (sent
     * again), which costs duplicates, never a lost job.
     */
    public static byte[] secret(Path directory) {
        Path file = directory.resolve(SECRET_FILE);
        try {
            if (Files.isRegularFile(file)) {
                byte[] kept = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
                if (kept.length >= 16) {
                    return kept;
                }
            }
            byte[] made = new byte[32];
            new SecureRandom().nextBytes(made);
            Files.createDirectories(directory);
            Path tmp = directory.resolve(SECRET_FILE + ".tmp");
            Files.writeString(OwnerOnly.file(tmp), Base64.getEncoder().encodeToString(made), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return made;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot keep the fork ids' secret in {} ({}); a rerun with this client id will send this run's jobs"
                    + " again", file, e.getMessage());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        }
    }

    /**
     * The id of the next fork of {@code function(arg)} from {@code stage} into {@code stream}, to
     * {@code callback}, made while handling {@code parent} (see {@link Pipeline#forkParent()}).
     */
    public String next(String parent, String stage, String stream, String callback, String function, Object arg) {
        ByteArrayOutputStream key = new ByteArrayOutputStream(160);
        key.writeBytes(secret);
        key.write(0);
        for (String part : new String[] {clientId, parent, stage, stream, callback, function}) {
            key.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            key.write(0);
        }
        key.writeBytes(Json.write(arg));
        String first = UUID.nameUUIDFromBytes(key.toByteArray()).toString();
        if (seen.add(first)) {
            return first;
        }
        int n = repeats.merge(first, 1, Integer::sum);
        return UUID.nameUUIDFromBytes((first + "#" + n).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
