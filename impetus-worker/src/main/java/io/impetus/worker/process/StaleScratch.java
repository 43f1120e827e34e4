package io.impetus.worker.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the scratch folders that nodes and workers killed without a chance to clean up (SIGKILL,
 * a crash, a lost host's restart) left in the temp folder: {@code impetus-node-PID-*} and
 * {@code impetus-worker-PID-*} whose process is no longer running. Run by a node at start. A folder
 * whose pid is running again (reused) is kept: better a leftover than a live process's files gone.
 */
public final class StaleScratch {
    private static final Logger log = LoggerFactory.getLogger(StaleScratch.class);
    public static final String NODE_PREFIX = "impetus-node-";
    public static final String WORKER_PREFIX = "impetus-worker-";
    private static final Pattern NAME = Pattern.compile("(?:" + NODE_PREFIX + "|" + WORKER_PREFIX + ")(\\d+)-.+");

    private StaleScratch() {
    }

    /**
     * Deletes every scratch folder in {@code tempDir} whose pid {@code running} says is not running;
     * returns those it deleted. Best effort: what cannot be read or deleted (another user's) is left.
     */
    public static List<Path> remove(Path tempDir, LongPredicate running) {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir, StaleScratch::looksLikeScratch)) {
            for (Path dir : entries) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (!m.matches() || !Files.isDirectory(dir) || running.test(Long.parseLong(m.group(1)))) {
                    continue;
                }
                PrivateDirs.delete(dir);
                if (Files.notExists(dir)) {
                    removed.add(dir);
                    log.info("removed the scratch folder {} of process {}, which is no longer running", dir, m.group(1));
                } else {
                    log.debug("cannot remove the stale scratch folder {}", dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot look for stale scratch folders in {}: {}", tempDir, e.toString());
        }
        return removed;
    }

    /** {@link #remove} in this JVM's temp folder, against the processes running on this host. */
    public static List<Path> removeFromTempDir() {
        return remove(Path.of(System.getProperty("java.io.tmpdir")), pid -> ProcessHandle.of(pid).isPresent());
    }

    private static boolean looksLikeScratch(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(NODE_PREFIX) || name.startsWith(WORKER_PREFIX);
    }
}
