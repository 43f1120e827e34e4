package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WorkerProcessTest {
    @Test
    void aRelativeClassPathIsMadeAbsoluteForWorkersThatRunInTheirOwnFolder() {
        String cwd = Path.of("").toAbsolutePath().toString();
        String cp = String.join(File.pathSeparator, "lib/*", "classes", "/opt/x.jar", "*");
        assertThat(WorkerProcess.absoluteClassPath(cp).split(File.pathSeparator)).containsExactly(
                cwd + "/lib/*", cwd + "/classes", "/opt/x.jar", cwd + "/*");
    }
}
