package io.impetus.worker.process;

import io.impetus.worker.child.Training;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An archive of the classes a worker JVM loads (application class data sharing, JDK 17's dynamic
 * archive): a worker started with it maps them instead of loading and verifying each one, which
 * halves its start (0.4 → 0.2 s here) and so the first result of a new stream. A node makes it
 * once, in the background, by starting one worker with {@code -XX:ArchiveClassesAtExit} that runs a
 * {@link Training} job and exits; until it is there, workers start without it. Its name carries a
 * hash of the JVM, the worker's options and every class-path entry's path, size and time, so a new
 * build or JDK makes a new one (the JVM also checks, and ignores an archive that does not match).
 */
public final class WorkerArchive {
    private static final Logger log = LoggerFactory.getLogger(WorkerArchive.class);
    /** Longest a training worker may take. */
    static final long MAKE_TIMEOUT_SECONDS = 120;

    private final Path file;
    private final List<String> jvmOptions;
    private final String classPath;

    /**
     * @param dir where the archive is kept (the node's cache folder, owner-only)
     * @param jvmOptions the workers' JVM options
     * @param classPath the workers' class path, as {@link WorkerProcess} gives it
     */
    public WorkerArchive(Path dir, List<String> jvmOptions, String classPath) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classPath = classPath;
        this.file = dir.resolve("worker-classes-" + key(jvmOptions, classPath) + ".jsa");
    }

    /** For workers of this node: {@code java.class.path} made absolute (see {@link ClassPaths}), the archive in {@code dir}. */
    public static WorkerArchive forThisJvm(Path dir, List<String> jvmOptions) {
        return new WorkerArchive(dir, jvmOptions, ClassPaths.ofThisJvm());
    }

    public Path file() {
        return file;
    }

    /** The options that make a worker use the archive: none until it exists, or if the options turn sharing off. */
    public List<String> options() {
        if (!usable() || !Files.isRegularFile(file)) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + file);
    }

    private boolean usable() {
        return jvmOptions.stream().noneMatch(o -> o.startsWith("-Xshare:off") || o.startsWith("-XX:SharedArchiveFile")
                || o.startsWith("-XX:ArchiveClassesAtExit")) && !hasFolders();
    }

    /** Whether the class path has a folder of classes (run from a build tree): only jars' classes can be archived. */
    private boolean hasFolders() {
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.endsWith("*") && Files.isDirectory(Path.of(entry))) {
                return true;
            }
        }
        return false;
    }

    /** Makes the archive unless it is there; blocks for a worker's run (about a second): call it off the engine. */
    public void make() {
        if (!usable() || Files.isRegularFile(file)) {
            log.debug("worker class archive: {}", Files.isRegularFile(file) ? "there already, " + file
                    : "none (sharing turned off, or classes from folders, which cannot be archived)");
            return;
        }
        long start = System.nanoTime();
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(file.getParent(), "training-");
            List<String> options = new ArrayList<>(jvmOptions);
            options.add("-XX:ArchiveClassesAtExit=" + tmp);
            options.add("-D" + Training.PROPERTY + "=true");
            // a worker's command line: its temp folder is the training's scratch folder, removed below
            log.info("making the worker class archive {} (a training worker runs one job)", file);
            ProcessBuilder pb = WorkerProcess.command(options, classPath, scratch).processBuilder()
                    .directory(scratch.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(scratch.resolve("stderr.txt").toFile());
            Process p = pb.start();
            if (!p.waitFor(MAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("making the worker class archive took over {} s; workers start without it", MAKE_TIMEOUT_SECONDS);
                return;
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                String err = Files.readString(scratch.resolve("stderr.txt"), StandardCharsets.UTF_8).strip();
                log.warn("could not make the worker class archive (exit {}{}); workers start without it", p.exitValue(),
                        err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse(""));
                return;
            }
            tmp.toFile().setReadOnly();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("made the worker class archive {} ({} KB) in {} ms: new workers start with it", file,
                    Files.size(file) / 1024, (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            log.warn("could not make the worker class archive ({}); workers start without it", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                log.debug("removing {}: {}", tmp, e.toString());
            }
            if (scratch != null) {
                PrivateDirs.delete(scratch);
            }
        }
    }

    /** A hash of what the archive depends on: the JVM, the options, each class-path entry's path, size and time. */
    static String key(List<String> jvmOptions, String classPath) {
        StringBuilder text = new StringBuilder();
        text.append(System.getProperty("java.home")).append('\n').append(System.getProperty("java.vm.version")).append('\n');
        jvmOptions.forEach(o -> text.append(o).append('\n'));
        for (String entry : classPath.split(File.pathSeparator)) {
            text.append(entry);
            try {
                Path p = Path.of(entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry);
                if (Files.isDirectory(p) && entry.endsWith("*")) {
                    try (var files = Files.list(p)) {
                        files.sorted().forEach(f -> text.append(';').append(f).append(':').append(stamp(f)));
                    }
                } else {
                    text.append(':').append(stamp(p));
                }
            } catch (IOException | RuntimeException e) {
                text.append(":?");
            }
            text.append('\n');
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stamp(Path p) {
        try {
            return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return "?";
        }
    }
}
