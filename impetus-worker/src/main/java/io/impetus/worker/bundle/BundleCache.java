package io.impetus.worker.bundle;

import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.BundleData;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.worker.process.PrivateDirs;
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

/**
 * Code bundles on the node's disk, fetched from the coordinator once per id and checked (content
 * hash, size limits) before they are written. A fetch that fails is forgotten at once, so the
 * next job of that bundle asks again. Thread-safe.
 */
public final class BundleCache implements BundleSource {
    private static final Logger log = LoggerFactory.getLogger(BundleCache.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    private final Path directory;
    private final ControlClient control;
    private final Map<String, CompletableFuture<Path>> fetching = new ConcurrentHashMap<>();
    private final Map<String, Path> cached = new ConcurrentHashMap<>();
    /** The last bundle that could not be written, and when: asked again within {@link #WRITE_RETRY_NANOS}, fail at once. */
    private volatile WriteFailure lastWriteFailure;

    /** How long after a failed write (a full disk) the same bundle is not fetched again: each fetch moves the whole bundle. */
    static final long WRITE_RETRY_NANOS = 1_000_000_000L;

    private record WriteFailure(String id, ImpetusException error, long at) {
    }

    public BundleCache(Path directory, ControlClient control) {
        this.directory = directory;
        this.control = control;
    }

    @Override
    public CompletableFuture<Path> path(String id) {
        Path known = id == null ? null : cached.get(id);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        if (id == null || !ID.matcher(id).matches()) {
            return CompletableFuture.failedFuture(new ImpetusException("'" + id + "' is not a code bundle id"));
        }
        WriteFailure failed = lastWriteFailure;
        if (failed != null && failed.id().equals(id) && System.nanoTime() - failed.at() < WRITE_RETRY_NANOS) {
            return CompletableFuture.failedFuture(failed.error());
        }
        Path file = directory.resolve(id + ".zip");
        if (Files.isRegularFile(file) && intact(id, file)) {
            cached.put(id, file);
            return CompletableFuture.completedFuture(file);
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> other = fetching.putIfAbsent(id, mine);
        if (other != null) {
            return other;
        }
        CompletableFuture<Path> fetch;
        try {
            fetch = control.send(new ControlRequest.FetchBundle(id))
                    .thenApply(reply -> store(id, file, reply.bodyAs(BundleData.class)));
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        fetch.whenComplete((p, e) -> {
            fetching.remove(id, mine); // before completing: a caller told of the failure can ask again
            if (e == null) {
                cached.put(id, p);
                mine.complete(p);
            } else {
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    /** Whether a file found on disk still hashes to its id; one that does not is removed and fetched again. */
    private boolean intact(String id, Path file) {
        try {
            CodeBundle.fromZip(Files.readAllBytes(file), id);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("cached code bundle {} is damaged or tampered with ({}); fetching it again", id.substring(0, 12),
                    e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException x) {
                log.debug("cannot remove {}: {}", file, x.toString());
            }
            return false;
        }
    }

    private Path store(String id, Path file, BundleData data) {
        if (data == null || data.zip() == null) {
            throw new ImpetusException("the coordinator sent no content for code bundle " + id);
        }
        CodeBundle.fromZip(data.zip(), id); // the content must hash to its id, within the size limits
        Path tmp = null;
        try {
            PrivateDirs.ensure(directory);
            // written in full under a temporary name, then renamed: a write cut short (a full disk) is never
            // found under the bundle's name, and what is found there is checked against its id before use
            tmp = Files.createTempFile(directory, "fetch-", ".zip");
            Files.write(tmp, data.zip());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            log.info("cached code bundle {} ({} bytes)", id.substring(0, 12), data.zip().length);
            return file;
        } catch (IOException e) {
            // most often a full disk: passing, so the job goes back to its queue rather than failing for good
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            log.error("cannot cache code bundle {} in {} ({}); its jobs go back to their queue until it can be", id.substring(0, 12),
                    directory, why);
            ImpetusException error = new ImpetusException("cannot cache code bundle " + id.substring(0, 12) + " in "
                    + directory + ": " + why + " — free space there", true, e);
            lastWriteFailure = new WriteFailure(id, error, System.nanoTime());
            throw error;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp); // the part written before the failure: no leftovers to fill the disk
                } catch (IOException x) {
                    log.warn("cannot remove the partial code bundle {}: {}", tmp, x.toString());
                }
            }
        }
    }
}
