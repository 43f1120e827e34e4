package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.worker.child.BundledJobs;
import io.impetus.worker.child.Training;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class WorkerProcessTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBlankWorkerIsTrainedBeforeItsHelloAndThenRunsAJobOfAClientsBundle(@TempDir Path dir) throws Exception {
        String path = BundledJobs.class.getName().replace('.', '/') + ".class";
        CodeBundle bundle;
        try (InputStream in = BundledJobs.class.getClassLoader().getResourceAsStream(path)) {
            bundle = CodeBundle.of(Map.of(path, in.readAllBytes()));
        }
        Path zip = Files.write(dir.resolve(bundle.id() + ".zip"), bundle.toZip());
        BlockingQueue<WorkerOutcome> outcomes = new ArrayBlockingQueue<>(4);
        Worker.Listener listener = Worker.Listener.of((w, o) -> outcomes.add(o), (w, code) -> { });
        Worker.Spawner spawner = WorkerProcess.spawner(List.of(), dir.resolve("workers"));

        Worker blank = spawner.spawnBlank(1, "(blank)", listener);
        Worker plain = spawner.spawn(2, "s", listener);
        try {
            String train = "-D" + Training.PROPERTY + "=true";
            ProcessHandle.of(blank.pid()).flatMap(p -> p.info().arguments()).ifPresent(args ->
                    assertThat(args).contains(train)); // where the OS tells a process's arguments
            ProcessHandle.of(plain.pid()).flatMap(p -> p.info().arguments()).ifPresent(args ->
                    assertThat(args).doesNotContain(train));
            blank.send(new WorkerTask("j1", "twice", BundledJobs.class.getName() + "#twice", bundle.id(), zip.toString(),
                    IntNode.valueOf(21)));
            WorkerOutcome o = outcomes.poll(30, TimeUnit.SECONDS);
            assertThat(o).isNotNull();
            assertThat(o.jobId()).isEqualTo("j1");
            assertThat(o.result()).isEqualTo(IntNode.valueOf(42));
        } finally {
            blank.kill();
            plain.kill();
        }
    }

    @Test
    void aRelativeClassPathIsMadeAbsoluteForWorkersThatRunInTheirOwnFolder() {
        String cwd = Path.of("").toAbsolutePath().toString();
        String cp = String.join(File.pathSeparator, "lib/*", "classes", "/opt/x.jar", "*");
        assertThat(WorkerProcess.absoluteClassPath(cp).split(File.pathSeparator)).containsExactly(
                cwd + "/lib/*", cwd + "/classes", "/opt/x.jar", cwd + "/*");
    }
}
