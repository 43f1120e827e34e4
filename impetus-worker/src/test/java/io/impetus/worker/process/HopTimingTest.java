package io.impetus.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.bundle.CodeBundle;
import io.impetus.worker.NodeOptions;
import io.impetus.worker.child.BundledJobs;
import io.impetus.worker.child.InProcessWorker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test of behaviour: a measurement, run only when asked ({@code -Dimpetus.hop.timing=true}). The
 * time from a task handed to a worker to its outcome back at the node, one task at a time, for a worker
 * process (a pipe each way, started with the node's default worker flags) and an in-process worker,
 * alternating, in one JVM.
 */
@EnabledIfSystemProperty(named = "impetus.hop.timing", matches = "true")
class HopTimingTest {
    @TempDir
    Path dir;

    @Test
    void hopOfAWorkerProcessAgainstAnInProcessWorker() throws Exception {
        String path = BundledJobs.class.getName().replace('.', '/') + ".class";
        CodeBundle bundle;
        try (InputStream in = BundledJobs.class.getClassLoader().getResourceAsStream(path)) {
            bundle = CodeBundle.of(Map.of(path, in.readAllBytes()));
        }
        Path zip = Files.write(dir.resolve(bundle.id() + ".zip"), bundle.toZip());
        SynchronousQueue<WorkerOutcome> outcomes = new SynchronousQueue<>();
        Worker.Listener listener = Worker.Listener.of((w, o) -> {
            try {
                outcomes.put(o);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, (w, code) -> { });
        Worker child = WorkerProcess.spawn(1, "hop", NodeOptions.DEFAULT_WORKER_JVM_OPTIONS,
                dir.resolve("w"), listener);
        Worker inProcess = InProcessWorker.spawner(dir.resolve("i")).spawn(2, "hop", listener);
        int n = Integer.getInteger("impetus.hop.jobs", 5000);
        for (int round = 1; round <= 3; round++) {
            for (Worker w : List.of(child, inProcess)) {
                long[] micros = new long[n];
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    w.send(new WorkerTask("j" + i, "twice", BundledJobs.class.getName() + "#twice", bundle.id(),
                            zip.toString(), IntNode.valueOf(i)));
                    WorkerOutcome o = outcomes.take();
                    micros[i] = (System.nanoTime() - t) / 1000;
                    assertThat(o.result()).isEqualTo(IntNode.valueOf(2 * i));
                }
                Arrays.sort(micros);
                System.out.printf("hop round %d, %s: p50 %d µs, p90 %d µs, p99 %d µs over %d tasks%n", round,
                        w == child ? "worker process" : "in process", micros[n / 2], micros[n * 9 / 10],
                        micros[n * 99 / 100], n);
            }
        }
        child.retire();
        inProcess.retire();
    }
}
