package io.impetus.worker.process;

import io.impetus.core.config.OwnerOnly;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Folders only their owner may enter (0700), for a node's bundle cache and its workers' scratch
 * space, and the node's small process helpers.
 */
public final class PrivateDirs {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateDirs() {
    }

    /** Creates {@code dir} (and parents) if need be and makes it owner-only. */
    public static Path ensure(Path dir) throws IOException {
        return OwnerOnly.directory(dir);
    }

    /** A new owner-only folder with an unpredictable name in the temp folder. */
    public static Path temp(String prefix) throws IOException {
        return temp(null, prefix);
    }

    /** A new owner-only folder with an unpredictable name in {@code parent} (the temp folder when null). */
    public static Path temp(Path parent, String prefix) throws IOException {
        if (!POSIX) {
            return parent == null ? Files.createTempDirectory(prefix) : Files.createTempDirectory(parent, prefix);
        }
        var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        return parent == null ? Files.createTempDirectory(prefix, ownerOnly)
                : Files.createTempDirectory(parent, prefix, ownerOnly);
    }

    /**
     * A node's own private folder, {@code impetus-node-PID-*} in the temp folder (the pid lets a later
     * node find it stale: {@link StaleScratch}); its workers' scratch folders go below it.
     */
    public static Path forNode() {
        try {
            return temp(StaleScratch.NODE_PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new ImpetusException("cannot make the node's private folder: " + e.getMessage(), e);
        }
    }

    /** The bundle cache: {@code given} made owner-only, else a folder in the node's private folder. */
    public static Path bundleCache(Path given, Path nodeDir) {
        try {
            return ensure(given != null ? given : nodeDir.resolve("bundles"));
        } catch (IOException e) {
            throw new ImpetusException("cannot make the bundle cache " + given + " private: "
                    + e.getMessage(), e);
        }
    }

    /** Deletes {@code dir} and what is in it; best effort. */
    public static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a scratch folder that cannot be removed is left behind; nothing depends on it
        }
    }

    /** Environment variables a worker keeps: nothing of Impetus, AWS or any credential, only the basics. */
    public static final Set<String> WORKER_ENV = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ");
}
