package io.impetus.worker.child;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.job.FunctionId;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker runs a job's function only from the classes its client shipped in the job's code bundle:
 * never a static method of the JDK, of Impetus or of anything else on the worker's classpath, which a
 * forged or altered job could otherwise name (Integer#toHexString, say).
 */
class JobInvokerTest {
    @TempDir
    Path dir;
    private CodeBundle bundle;
    private Path zip;

    @BeforeEach
    void bundleTheJobClass() throws IOException {
        String path = BundledJobs.class.getName().replace('.', '/') + ".class";
        try (InputStream in = BundledJobs.class.getClassLoader().getResourceAsStream(path)) {
            bundle = CodeBundle.of(Map.of(path, in.readAllBytes()));
        }
        zip = Files.write(dir.resolve(bundle.id() + ".zip"), bundle.toZip());
    }

    private WorkerOutcome run(String function, JsonNode arg) {
        Path scratch = dir.resolve("scratch");
        return new JobInvoker(1, scratch).run(new WorkerTask("job-1", "f", function, bundle.id(), zip.toString(), arg));
    }

    @Test
    void aFunctionOfABundledClassRuns() {
        WorkerOutcome done = run(BundledJobs.class.getName() + "#twice", IntNode.valueOf(21));
        assertThat(done.error()).isNull();
        assertThat(done.result()).isEqualTo(IntNode.valueOf(42));
    }

    @Test
    void aJdkStaticIsRefusedWithTheReason() {
        WorkerOutcome refused = run("java.lang.Integer#toHexString", IntNode.valueOf(255));
        assertThat(refused.result()).isNull();
        assertThat(refused.error().error()).contains("java.lang.Integer#toHexString is refused",
                "not in the job's code bundle");
    }

    @Test
    void aStaticOnTheWorkersOwnClasspathIsRefused() {
        // FunctionId#parse is a static one-argument method on the worker's class path: it must not run
        WorkerOutcome refused = run(FunctionId.class.getName() + "#parse", TextNode.valueOf("a#b"));
        assertThat(refused.result()).isNull();
        assertThat(refused.error().error()).contains("is not in the job's code bundle");
    }
}
