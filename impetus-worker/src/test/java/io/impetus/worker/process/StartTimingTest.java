package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.worker.NodeOptions;
import io.impetus.worker.child.BundledJobs;
import io.impetus.worker.child.Training;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test of behaviour: a measurement, run only when asked ({@code -Dimpetus.start.timing=true};
 * {@code -Dimpetus.start.classpath=impetus-dist/target/lib/*} for workers on jars, which the class
 * archive needs). What a stream's first job waits for on the node's side: a worker started for it (the
 * JVM's start to its hello, then the job), against a worker already started (the warm pool's blank
 * one), with and without the class archive; wall time and the worker's CPU, median of the rounds.
 */
@EnabledIfSystemProperty(named = "impetus.start.timing", matches = "true")
class StartTimingTest {
    @TempDir
    Path dir;

    @Test
    void firstJobOnAStartedWorkerAgainstOneStartedForIt() throws Exception {
        String path = BundledJobs.class.getName().replace('.', '/') + ".class";
        CodeBundle bundle;
        try (InputStream in = BundledJobs.class.getClassLoader().getResourceAsStream(path)) {
            bundle = CodeBundle.of(Map.of(path, in.readAllBytes()));
        }
        Path zip = Files.write(dir.resolve(bundle.id() + ".zip"), bundle.toZip());
        String classPath = WorkerProcess.absoluteClassPath(System.getProperty("impetus.start.classpath",
                ClassPaths.ofThisJvm()));
        List<String> flags = NodeOptions.DEFAULT_WORKER_JVM_OPTIONS;
        WorkerArchive archive = new WorkerArchive(Files.createDirectories(dir.resolve("cache")), flags, classPath);
        archive.make();
        SynchronousQueue<WorkerOutcome> outcomes = new SynchronousQueue<>();
        Worker.Listener listener = Worker.Listener.of((w, o) -> {
            try {
                outcomes.put(o);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, (w, code) -> { });
        int rounds = Integer.getInteger("impetus.start.rounds", 7);
        List<String> trained = new ArrayList<>(withArchive(flags, archive));
        trained.add("-D" + Training.PROPERTY + "=true"); // as a blank worker of the warm pool starts
        for (List<String> options : List.of(flags, withArchive(flags, archive), trained)) {
            List<Long> hello = new ArrayList<>();
            List<Long> cold = new ArrayList<>();
            List<Long> warm = new ArrayList<>();
            List<Long> cpuHello = new ArrayList<>();
            List<Long> cpuFirst = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                WorkerProcess w = WorkerProcess.spawn(r, "timing", options, classPath, dir.resolve("w"), listener);
                long started = System.nanoTime();
                cpuHello.add(cpuMs(w));
                w.send(new WorkerTask("j" + r, "twice", BundledJobs.class.getName() + "#twice", bundle.id(),
                        zip.toString(), IntNode.valueOf(r)));
                assertThat(outcomes.take().result()).isEqualTo(IntNode.valueOf(2 * r));
                long done = System.nanoTime();
                cpuFirst.add(cpuMs(w));
                hello.add((started - t) / 1_000_000);
                cold.add((done - t) / 1_000_000);
                warm.add((done - started) / 1_000_000);
                w.retire();
            }
            System.out.printf("worker start, %s: to hello %d ms (CPU %d ms), to the first job's outcome %d ms"
                            + " (CPU %d ms); the first job on a worker already started %d ms; medians of %d%n",
                    options == trained ? "class archive, trained before its hello"
                            : options.size() > flags.size() ? "class archive" : "no archive", median(hello), median(cpuHello),
                    median(cold), median(cpuFirst), median(warm), rounds);
        }
    }

    private static List<String> withArchive(List<String> flags, WorkerArchive archive) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(archive.options());
        assertThat(archive.options()).as("the class archive was made").isNotEmpty();
        return all;
    }

    private static long cpuMs(WorkerProcess w) {
        return ProcessHandle.of(w.pid()).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toMillis).orElse(-1L);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
