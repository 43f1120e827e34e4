package io.impetus.worker.bundle;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.BundleData;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Code bundles on the node's disk, fetched from the coordinator once per id. Thread-safe. */
public final class BundleCache {
    private static final Logger log = LoggerFactory.getLogger(BundleCache.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private final Path directory;
    private final ControlClient control;
    private final Map<String, CompletableFuture<Path>> fetching = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Path>> cached = new ConcurrentHashMap<>();

    public BundleCache(Path directory, ControlClient control) {
        this.directory = directory;
        this.control = control;
    }

    /** The zip of bundle {@code id} on disk; fetched first if it is not there yet. */
    public CompletableFuture<Path> path(String id) {
        CompletableFuture<Path> known = id == null ? null : cached.get(id);
        if (known != null) {
            return known;
        }
        if (id == null || !ID.matcher(id).matches()) {
            return CompletableFuture.failedFuture(new ImpetusException("'" + id + "' is not a code bundle id"));
        }
        Path file = directory.resolve(id + ".zip");
        if (Files.isRegularFile(file)) {
            CompletableFuture<Path> done = CompletableFuture.completedFuture(file);
            cached.put(id, done);
            return done;
        }
        return fetching.computeIfAbsent(id, k -> control.send(new ControlRequest.FetchBundle(id))
                .thenApply(reply -> store(file, reply.bodyAs(BundleData.class)))
                .whenComplete((p, e) -> {
                    fetching.remove(id);
                    if (e == null) {
                        cached.put(id, CompletableFuture.completedFuture(p));
                    }
                }));
    }

    private Path store(Path file, BundleData data) {
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, "fetch-", ".zip");
            Files.write(tmp, data.zip());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("cached code bundle {} ({} bytes)", data.bundleId().substring(0, 12), data.zip().length);
            return file;
        } catch (IOException e) {
            throw new ImpetusException("cannot cache code bundle in " + directory + ": " + e, e);
        }
    }
}
