package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.config.JvmFlags;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The worker class archive, made by a real training worker and used by real worker JVMs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerArchiveTest {
    private static final List<String> OPTIONS = JvmFlags.of(JvmFlags.Role.WORKER, Map.of());

    @Test
    void itsNameChangesWithTheClassPathsFilesAndTheOptions(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("a.jar"), new byte[] {1, 2, 3});
        String cp = jar + File.pathSeparator + dir.resolve("missing");
        String before = WorkerArchive.key(OPTIONS, cp);
        assertThat(WorkerArchive.key(OPTIONS, cp)).isEqualTo(before);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertThat(WorkerArchive.key(OPTIONS, cp)).as("a rebuilt jar").isNotEqualTo(before);
        List<String> more = new ArrayList<>(OPTIONS);
        more.add("-Xmx1g");
        assertThat(WorkerArchive.key(more, cp)).as("other options").isNotEqualTo(WorkerArchive.key(OPTIONS, cp));
        assertThat(WorkerArchive.key(OPTIONS, dir + File.separator + "*")).as("a folder's jars count")
                .isNotEqualTo(WorkerArchive.key(OPTIONS, dir.resolve("other") + File.separator + "*"));
    }

    @Test
    void aTrainingWorkerMakesTheArchiveAndWorkersStartWithIt(@TempDir Path dir) throws Exception {
        String cp = jarsOnly(dir.resolve("jars"));
        Path cache = Files.createDirectory(dir.resolve("cache"));
        WorkerArchive archive = new WorkerArchive(cache, OPTIONS, cp);
        assertThat(archive.options()).isEmpty();
        archive.make();
        assertThat(archive.file()).isRegularFile();
        assertThat(archive.options()).containsExactly("-XX:SharedArchiveFile=" + archive.file());
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no training leftovers")
                    .containsExactly(archive.file().getFileName().toString());
        }
        archive.make(); // there already: nothing to do
        List<String> mapped = startAndMapped(dir, cp, archive.options());
        if (Files.exists(Path.of("/proc/self/maps"))) {
            assertThat(mapped).as("the worker maps the archive").contains(archive.file().toString());
        }

        WorkerArchive off = new WorkerArchive(cache, List.of("-Xshare:off"), cp);
        off.make();
        assertThat(off.options()).as("sharing turned off by the operator").isEmpty();
        WorkerArchive folders = WorkerArchive.forThisJvm(cache, OPTIONS); // this test runs from target/classes
        folders.make();
        assertThat(folders.options()).as("classes in folders cannot be archived").isEmpty();
    }

    @Test
    void aWorkerStartsEvenWithAnArchiveItCannotUseAndItsJvmsWarningStaysOffItsFrames(@TempDir Path dir)
            throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        WorkerArchive other = new WorkerArchive(cache, OPTIONS, jarsOnly(dir.resolve("jars")));
        other.make();
        assertThat(other.file()).isRegularFile();
        // made for another class path: the JVM says it cannot use it (a warning) and starts without it
        String cp = WorkerProcess.absoluteClassPath(System.getProperty("java.class.path"));
        assertThat(startAndMapped(dir, cp, other.options())).doesNotContain(other.file().toString());
    }

    /** The test's class path with every folder of classes packed into a jar (only jars' classes can be archived). */
    private static String jarsOnly(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            if (!Files.isDirectory(p)) {
                out.add(p.toString());
                continue;
            }
            Path jar = dir.resolve("classes-" + n++ + ".jar");
            try (var zip = new JarOutputStream(Files.newOutputStream(jar)); var walk = Files.walk(p)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                    zip.write(Files.readAllBytes(f));
                    zip.closeEntry();
                }
            }
            out.add(jar.toString());
        }
        return String.join(File.pathSeparator, out);
    }

    /**
     * Starts a worker on {@code cp} with {@code extra} options, waits for its hello (spawn does), and
     * returns the files it has mapped (empty where there is no /proc); then lets it exit, cleanly.
     */
    private static List<String> startAndMapped(Path dir, String cp, List<String> extra) throws Exception {
        List<String> options = new ArrayList<>(OPTIONS);
        options.addAll(extra);
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        WorkerProcess w = WorkerProcess.spawn(1, "s", options, cp, dir.resolve("scratch"),
                Worker.Listener.of((worker, o) -> { }, (worker, code) -> exited.complete(code)));
        try {
            Path maps = Path.of("/proc/" + w.pid() + "/maps");
            return Files.exists(maps) ? Files.readAllLines(maps).stream().map(l -> l.replaceAll("^.*\\s", ""))
                    .toList() : List.of();
        } finally {
            w.retire();
            assertThat(exited.get(30, TimeUnit.SECONDS)).isZero();
        }
    }
}
