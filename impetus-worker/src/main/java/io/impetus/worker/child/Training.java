package io.impetus.worker.child;

import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.codec.Json;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One job run the way a node runs them, from a bundle of this very class, before a worker's hello:
 * by a worker started to record the classes a worker loads (the node's class archive, see
 * {@code WorkerArchive}), so that later workers find the bundle loader, reflection and JSON paths
 * of a job already archived; and by each blank worker of the node's warm pool, so that the first
 * job of the stream that takes it finds those paths initialised and compiled (68 → 4 ms here).
 * Only Impetus's own code runs: a blank worker stays blank.
 */
public final class Training {
    /** The system property that makes a worker run this before its first task. */
    public static final String PROPERTY = "impetus.worker.train";

    private Training() {
    }

    /**
     * The training job's argument and result: a record, as most jobs' are, so that Jackson's record
     * paths (creator introspection, bean (de)serializers) are loaded and compiled too.
     *
     * @param x a number
     * @param text some text
     */
    public record Sample(long x, String text) {
    }

    /** The training job: returns its argument. */
    public static Sample echo(Sample sample) {
        return new Sample(sample.x(), sample.text());
    }

    static void run(JobInvoker invoker, Path scratch) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        for (Class<?> c : List.of(Training.class, Sample.class)) {
            String resource = c.getName().replace('.', '/') + ".class";
            try (InputStream in = c.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("cannot read " + resource);
                }
                classes.put(resource, in.readAllBytes());
            }
        }
        CodeBundle bundle = CodeBundle.of(classes);
        Path zip = scratch.resolve("training-" + bundle.id() + ".zip");
        Files.write(zip, bundle.toZip());
        WorkerTask task = new WorkerTask("training", "echo", Training.class.getName() + "#echo", bundle.id(),
                zip.toString(), Json.tree(new Sample(1, "training")));
        task = Json.read(Json.write(task), WorkerTask.class);
        WorkerOutcome outcome = invoker.run(task);
        Json.read(Json.write(outcome), WorkerOutcome.class);
        if (!outcome.ok()) {
            throw new IOException("the training job failed: " + outcome.error());
        }
        Files.deleteIfExists(zip);
    }
}
