package io.impetus.client.internal;

import io.impetus.core.codec.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ids of a {@code Client}'s forks, the same in every run with the same client id: a name-based
 * UUID of the client id, the forking stage, the stream, the callback stage, the function, the
 * argument (as JSON) and how many times this same fork was made before in this run. A rerun that
 * forks again what an earlier run forked gets the earlier ids, so the session can tell a job whose
 * result is already in the task files, or that was already sent, from a new one.
 *
 * <p>Not a plain sequence number: stages fork from several threads and handle results in batches
 * that differ from run to run, so the n-th fork of a rerun need not be the n-th of the first run,
 * and taking one for the other would skip a job that never ran. With the fork's content in the id
 * a reordered rerun is at worst not recognised (a job sent again; the client keeps one result),
 * never wrongly skipped. Thread-safe; costs about 32 bytes a fork (like the delivered ids).
 */
public final class ForkIds {
    private final String clientId;
    private final IdSet seen = new IdSet();
    /** Forks made more than once in this run (rare): how many times so far. */
    private final Map<String, Integer> repeats = new ConcurrentHashMap<>();

    public ForkIds(String clientId) {
        this.clientId = clientId;
    }

    /** The id of the next fork of {@code function(arg)} from {@code stage} into {@code stream}, to {@code callback}. */
    public String next(String stage, String stream, String callback, String function, Object arg) {
        ByteArrayOutputStream key = new ByteArrayOutputStream(128);
        for (String part : new String[] {clientId, stage, stream, callback, function}) {
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
