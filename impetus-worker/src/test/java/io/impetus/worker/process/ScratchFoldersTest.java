package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.config.JvmFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers' and nodes' scratch folders do not pile up in the temp folder: a worker's temp files are
 * inside its scratch folder, which goes when it exits; a node's folder carries its pid, and a node
 * at start removes those of processes no longer running.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScratchFoldersTest {

    @Test
    void foldersOfProcessesNoLongerRunningAreRemovedAndTheOthersKept(@TempDir Path tmp) throws Exception {
        Path deadNode = Files.createDirectories(tmp.resolve("impetus-node-4001-123").resolve("bundles"));
        Files.writeString(deadNode.resolve("b.zip"), "x");
        Path deadWorker = Files.createDirectory(tmp.resolve("impetus-worker-4002-987"));
        Path liveNode = Files.createDirectory(tmp.resolve("impetus-node-77-555"));
        Path notOurs = Files.createDirectory(tmp.resolve("impetus-nodes-4001-1"));
        Path noPid = Files.createDirectory(tmp.resolve("impetus-worker-abc"));
        Path aFile = Files.writeString(tmp.resolve("impetus-node-4003-1"), "a file, not a folder");

        List<Path> removed = StaleScratch.remove(tmp, pid -> pid == 77);

        assertThat(removed).containsExactlyInAnyOrder(tmp.resolve("impetus-node-4001-123"), deadWorker);
        assertThat(tmp.resolve("impetus-node-4001-123")).doesNotExist();
        assertThat(deadWorker).doesNotExist();
        assertThat(liveNode).isDirectory();
        assertThat(notOurs).isDirectory();
        assertThat(noPid).isDirectory();
        assertThat(aFile).isRegularFile();
    }

    @Test
    void aNodesFolderCarriesItsPidSoALaterNodeCanTellItIsStale() {
        Path node = PrivateDirs.forNode();
        try {
            assertThat(node.getFileName().toString()).startsWith("impetus-node-" + ProcessHandle.current().pid() + "-");
            assertThat(StaleScratch.remove(node.getParent(), pid -> ProcessHandle.of(pid).isPresent()))
                    .as("this process runs").doesNotContain(node);
        } finally {
            PrivateDirs.delete(node);
        }
    }

    @Test
    void aWorkersTempFolderIsInsideItsScratchFolderWhichGoesWhenItExits(@TempDir Path dir) throws Exception {
        Path scratchRoot = dir.resolve("scratch");
        String cp = WorkerProcess.absoluteClassPath(System.getProperty("java.class.path"));
        CompletableFuture<Integer> exited = new CompletableFuture<>();
        WorkerProcess w = WorkerProcess.spawn(1, "s", JvmFlags.of(JvmFlags.Role.WORKER, Map.of()), cp, scratchRoot,
                Worker.Listener.of((worker, o) -> { }, (worker, code) -> exited.complete(code)));
        try {
            String workerTemp = StaleScratch.WORKER_PREFIX + w.pid() + "-";
            try (Stream<Path> all = Files.walk(scratchRoot)) {
                assertThat(all.map(p -> p.getFileName().toString())).as("the worker's temp folder, in its scratch")
                        .anyMatch(n -> n.startsWith(workerTemp));
            }
            try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
                assertThat(tmp.map(p -> p.getFileName().toString())).as("nothing of it in the system temp folder")
                        .noneMatch(n -> n.startsWith(workerTemp));
            }
        } finally {
            w.retire();
        }
        assertThat(exited.get(30, TimeUnit.SECONDS)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Stream<Path> left = Files.list(scratchRoot)) {
                return left.findAny().isEmpty();
            }
        });
    }
}
