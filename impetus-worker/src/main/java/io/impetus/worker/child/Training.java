package io.impetus.worker.child;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One job run the way a node runs them, from a bundle of this very class, by a worker started to
 * record the classes a worker loads (the node's class archive, see {@code WorkerArchive}): so
 * that later workers find the bundle loader, reflection and JSON paths of a job already archived.
 */
public final class Training {
    /** The system property that makes a worker run this before its first task. */
    public static final String PROPERTY = "impetus.worker.train";

    private Training() {
    }

    /** The training job: returns its argument. */
    public static Integer echo(Integer x) {
        return x;
    }

    static void run(JobInvoker invoker, Path scratch) throws IOException {
        String resource = Training.class.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = Training.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("cannot read " + resource);
            }
            bytes = in.readAllBytes();
        }
        CodeBundle bundle = CodeBundle.of(Map.of(resource, bytes));
        Path zip = scratch.resolve("training-" + bundle.id() + ".zip");
        Files.write(zip, bundle.toZip());
        WorkerTask task = new WorkerTask("training", "echo", Training.class.getName() + "#echo", bundle.id(),
                zip.toString(), IntNode.valueOf(1));
        task = Json.read(Json.write(task), WorkerTask.class);
        WorkerOutcome outcome = invoker.run(task);
        Json.read(Json.write(outcome), WorkerOutcome.class);
        if (!outcome.ok()) {
            throw new IOException("the training job failed: " + outcome.error());
        }
        Files.deleteIfExists(zip);
    }
}
