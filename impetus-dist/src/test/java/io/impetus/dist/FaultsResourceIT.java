package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.dist.fixtures.SlowSquares;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sick resources from the fault harness: RabbitMQ's memory and disk alarms raised under load (every
 * publisher blocked for 10 s), and a full disk under the coordinator's H2 folder and under a client's
 * task folder. Each run ends with every result exactly once; times are printed as "FAULTS ...".
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FaultsResourceIT {

    @Test
    void aMemoryAlarmUnderLoadHoldsTheRunAndItEndsExactlyOnce(@TempDir Path tasks) throws Exception {
        alarmUnderLoad("memory", tasks);
    }

    @Test
    void aDiskAlarmUnderLoadHoldsTheRunAndItEndsExactlyOnce(@TempDir Path tasks) throws Exception {
        alarmUnderLoad("disk", tasks);
    }

    private static void alarmUnderLoad(String kind, Path tasks) throws Exception {
        Faults.require();
        int count = 8000; // long enough that the alarm (raised within a few seconds) lands mid-run
        try (Cluster cluster = new Cluster("faults-alarm-" + kind)) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            SlowSquares c = FaultsNetworkIT.client(cluster, tasks, "alarm", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            int before = c.received.size();
            long cleared;
            int during;
            try {
                Faults.script("alarm.sh", kind, "on");
                Thread.sleep(10_000);
                during = c.received.size() - before;
            } finally {
                Faults.script("alarm.sh", kind, "off");
                cleared = System.nanoTime();
            }
            int atClear = c.received.size();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> c.received.size() > atClear || run.isDone());
            double recovered = FaultsNetworkIT.since(cleared);
            run.get(120, TimeUnit.SECONDS);
            System.out.printf("FAULTS %s alarm 10 s under load: %d of %d in flight, %d results during it,"
                    + " first result %.2f s after it cleared, run ended %.2f s after; node says blocked: %s%n", kind,
                    count - before, count, during, recovered, FaultsNetworkIT.since(cleared),
                    node.log().contains("blocked"));
            FaultsNetworkIT.assertExactlyOnce(c, count);
        }
    }

    @Test
    void aFullDiskUnderTheCoordinatorsStoreFailsClearlyAndWorkResumesOnceFreed(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 800;
        try (Cluster cluster = new Cluster("faults-h2")) {
            Path store = cluster.dataDir.resolve("store");
            Faults.script("fulldisk.sh", "mount", store.toString(), "32m");
            try {
                Daemon coordinator = cluster.startCoordinator();
                cluster.startNode(2);
                SlowSquares c = FaultsNetworkIT.client(cluster, tasks, "h2-full", count);
                CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
                await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 100);
                int before = c.received.size();
                Faults.script("fulldisk.sh", "fill", store.toString());
                String whileFull;
                try {
                    whileFull = cluster.control().call(new ControlRequest.CreateStream("while-full", Map.of()),
                            CreateStreamResult.class).toString();
                } catch (RuntimeException e) {
                    whileFull = "refused: " + e.getMessage();
                }
                Thread.sleep(3000);
                Faults.script("fulldisk.sh", "free", store.toString());
                long freed = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> cluster.control().call(new ControlRequest.CreateStream("after-free", Map.of()),
                                CreateStreamResult.class).created());
                double recovered = FaultsNetworkIT.since(freed);
                run.get(120, TimeUnit.SECONDS);
                System.out.printf("FAULTS coordinator H2 folder full 3 s: %d of %d in flight, create_stream while full: %s;"
                        + " create_stream answered %.2f s after space was freed; coordinator alive: %s; log says"
                        + " no space: %s%n", count - before, count, whileFull, recovered, coordinator.isAlive(),
                        coordinator.log().contains("No space left"));
                FaultsNetworkIT.assertExactlyOnce(c, count);
                assertThat(coordinator.isAlive()).isTrue();
            } finally {
                cluster.close();
                Faults.script("fulldisk.sh", "umount", store.toString());
            }
        }
    }

    @Test
    void aFullDiskUnderAClientsTaskFolderFailsClearlyAndResumesOnceFreed(@TempDir Path root) throws Exception {
        Faults.require();
        int count = 1500;
        Path tasks = root.resolve("tasks");
        Faults.script("fulldisk.sh", "mount", tasks.toString(), "4m");
        try (Cluster cluster = new Cluster("faults-tasks")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            SlowSquares c = FaultsNetworkIT.client(cluster, tasks, "tasks-full", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            int before = c.received.size();
            Faults.script("fulldisk.sh", "fill", tasks.toString());
            Thread.sleep(5000);
            int during = c.received.size() - before;
            Faults.script("fulldisk.sh", "free", tasks.toString());
            long freed = System.nanoTime();
            String outcome;
            boolean failed = false;
            try {
                run.get(90, TimeUnit.SECONDS);
                outcome = "run returned";
            } catch (java.util.concurrent.ExecutionException e) {
                failed = true;
                outcome = "run failed: " + e.getCause().getMessage();
            }
            double failedAfter = FaultsNetworkIT.since(freed);
            // space freed: the same client id runs again and resumes (what its task file has is not sent or delivered again)
            SlowSquares again = new SlowSquares(io.impetus.client.ClientOptions.builder().settings(cluster.settings)
                    .taskDir(tasks).stream("tasks-full").clientId(c.id())
                    .out(new java.io.PrintStream(new java.io.ByteArrayOutputStream(), true)).build(), count);
            CompletableFuture.runAsync(again::run).get(120, TimeUnit.SECONDS);
            double resumed = FaultsNetworkIT.since(freed);
            java.util.Set<String> ids = new java.util.HashSet<>();
            c.received.forEach(j -> ids.add(j.id()));
            again.received.forEach(j -> ids.add(j.id()));
            long lines = java.nio.file.Files.readAllLines(tasks.resolve(c.id()).resolve("results.ok")).size();
            int seenTwice = c.received.size() + again.received.size() - ids.size();
            System.out.printf("FAULTS client task folder full 5 s: %d of %d in flight, %d results while full, %s (%.2f s"
                    + " after space was freed); rerun with its id ended %.2f s after: %d of %d results, %d lines in the"
                    + " task file, %d results the stage saw in both runs (the batch being written when the disk filled)%n",
                    count - before, count, during, outcome, failedAfter, resumed, ids.size(), count, lines, seenTwice);
            assertThat(failed).as("a task file that cannot be written fails the run, clearly").isTrue();
            assertThat(outcome).contains("cannot write task file");
            assertThat(ids).as("every result, across the run and its rerun").hasSize(count);
            assertThat(lines).as("the task file: each result once, nothing torn").isEqualTo(count);
            assertThat(again.received).allSatisfy(j -> assertThat(j.result(Long.class))
                    .isEqualTo(j.args(Long.class) * j.args(Long.class)));
        } finally {
            Faults.script("fulldisk.sh", "umount", tasks.toString());
        }
    }
}
