package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.dist.fixtures.GatedSquares;
import io.impetus.dist.fixtures.SlowSquares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sick resources from the fault harness: RabbitMQ's memory and disk alarms raised under load (every
 * publisher blocked for 10 s), confirms withheld past their deadline (a queue's process suspended), and
 * a full disk under the coordinator's H2 folder, a node's bundle cache and a client's task folder. Each
 * run ends with every result exactly once; times are printed as "FAULTS ...".
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
    void resultsWhoseConfirmNeverComesAreSentAgainAndTheClientKeepsOneOfEach(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 1500;
        Duration withheld = Duration.ofSeconds(40); // past the 30 s confirm deadline, short of its third send (60 s)
        try (Cluster cluster = new Cluster("faults-confirm")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            SlowSquares c = FaultsNetworkIT.client(cluster, tasks, "no-confirm", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            String vhost = cluster.settings.vhost();
            String queue = resultsQueue(cluster.prefix, "no-confirm");
            int before = c.received.size();
            long resumed;
            int during;
            try {
                // the node's results reach the broker and wait unstored in the client's results queue: no confirm
                Faults.script("withhold.sh", "on", vhost, queue);
                Thread.sleep(withheld.toMillis());
                during = c.received.size() - before;
            } finally {
                Faults.script("withhold.sh", "off", vhost, queue);
                resumed = System.nanoTime();
            }
            int atResume = c.received.size();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> c.received.size() > atResume || run.isDone());
            double recovered = FaultsNetworkIT.since(resumed);
            run.get(120, TimeUnit.SECONDS);
            double ended = FaultsNetworkIT.since(resumed);
            String log = node.log();
            long resent = log.lines().filter(l -> l.contains("was not confirmed: no confirm within")
                    && l.contains("sending it again")).count();
            long failed = log.lines().filter(l -> l.contains("was not stored by RabbitMQ")).count();
            System.out.printf("FAULTS confirms of the node's results withheld %d s (the client's results queue suspended):"
                    + " %d of %d in flight, %d results during it, %d result messages sent again after the 30 s deadline,"
                    + " %d given up; first result %.2f s after the confirms came back, run ended %.2f s after%n",
                    withheld.toSeconds(), count - before, count, during, resent, failed, recovered, ended);
            assertThat(resent).as("a result without its confirm is sent again").isPositive();
            FaultsNetworkIT.assertExactlyOnce(c, count);
            assertThat(node.isAlive()).isTrue();
        }
    }

    @Test
    void jobsWhoseConfirmNeverComesAreSentAgainAndTheClientKeepsOneResultEach(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 1000;
        Duration withheld = Duration.ofSeconds(40); // past the 30 s confirm deadline, short of its third send (60 s)
        try (Cluster cluster = new Cluster("faults-jobconfirm")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            String stream = "no-confirm-jobs";
            String vhost = cluster.settings.vhost();
            String queue = cluster.settings.topology().jobsQueue(stream);
            GatedSquares c = new GatedSquares(ClientOptions.builder().settings(cluster.settings).taskDir(tasks)
                    .stream(stream).out(new PrintStream(new ByteArrayOutputStream(), true)).build(), count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            assertThat(c.started.await(60, TimeUnit.SECONDS)).as("the client opened its stream").isTrue();
            long resumed;
            int during;
            // the client's jobs reach the broker and wait unstored in the jobs queue: no confirm
            Faults.script("withhold.sh", "on", vhost, queue);
            try {
                c.gate.countDown();
                Thread.sleep(withheld.toMillis());
                during = c.received.size();
            } finally {
                Faults.script("withhold.sh", "off", vhost, queue);
                resumed = System.nanoTime();
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !c.received.isEmpty() || run.isDone());
            double recovered = FaultsNetworkIT.since(resumed);
            run.get(150, TimeUnit.SECONDS);
            double ended = FaultsNetworkIT.since(resumed);
            String log = node.log();
            long ran = log.lines().filter(l -> l.contains("processing job:")).count();
            System.out.printf("FAULTS confirms of the client's jobs withheld %d s (the jobs queue suspended): %d of %d in"
                    + " flight, %d results during it; when the run ended the node had run %d jobs for its %d results"
                    + " (copies sent again after the 30 s deadline); first result %.2f s after the queue resumed, run"
                    + " ended %.2f s after%n",
                    withheld.toSeconds(), count, count, during, ran, count, recovered, ended);
            assertThat(c.received).hasSize(count);
            assertThat(c.received.stream().map(Job::id).distinct()).hasSize(count);
            assertThat(c.received).allSatisfy(j -> assertThat(j.result(Long.class))
                    .isEqualTo(j.args(Long.class) * j.args(Long.class)));
            assertThat(ran).as("the jobs were sent again, and the copies ran").isGreaterThan(count);
        }
    }

    /** The one results queue of {@code stream} on the broker (its client's), by the management API. */
    private static String resultsQueue(String prefix, String stream) throws Exception {
        URI amqp = URI.create(TestBroker.get().amqpUri());
        String[] user = amqp.getRawUserInfo().split(":", 2);
        String vhost = amqp.getRawPath().length() <= 1 ? "/" : amqp.getRawPath().substring(1);
        String base = TestBroker.get().managementUri() != null ? TestBroker.get().managementUri()
                : "http://" + amqp.getHost() + ":15672";
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/queues/"
                + URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "?columns=name"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user[0] + ":" + user[1]).getBytes(StandardCharsets.UTF_8))).build();
        String body = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).body();
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            if (m.group(1).startsWith(prefix + ".")) {
                names.add(m.group(1));
            }
        }
        String results = prefix + ".stream." + stream + ".results.";
        List<String> found = names.stream().filter(n -> n.startsWith(results)).toList();
        assertThat(found).as("the results queue of stream " + stream + " among " + names).hasSize(1);
        return found.get(0);
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
                long filled = System.nanoTime();
                // writes while it is full: each is answered, either done (H2 first writes into free space inside its
                // own file: a real write, kept after the restart below) or refused with the full disk's reason, and
                // none is half kept. Written until the first refusal, then for 8 s more
                List<String> whileFull = new ArrayList<>();
                Set<String> answeredCreated = new HashSet<>();
                long firstRefused = 0;
                for (int i = 0; firstRefused == 0 ? FaultsNetworkIT.since(filled) < 60 : FaultsNetworkIT.since(firstRefused) < 8;
                     i++) {
                    String name = "while-full-" + i;
                    try {
                        if (cluster.control().call(new ControlRequest.CreateStream(name, Map.of()),
                                CreateStreamResult.class).created()) {
                            answeredCreated.add(name);
                        }
                        whileFull.add(name + " created");
                    } catch (RuntimeException e) {
                        whileFull.add(name + " refused: " + e.getMessage());
                        firstRefused = firstRefused == 0 ? System.nanoTime() : firstRefused;
                    }
                    Thread.sleep(firstRefused == 0 ? 100 : 500);
                }
                int duringFull = c.received.size() - before;
                Faults.script("fulldisk.sh", "free", store.toString());
                long freed = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> cluster.control().call(new ControlRequest.CreateStream("after-free", Map.of()),
                                CreateStreamResult.class).created());
                double recovered = FaultsNetworkIT.since(freed);
                run.get(120, TimeUnit.SECONDS);
                double ended = FaultsNetworkIT.since(freed);
                String log = coordinator.log();
                // no corruption: the coordinator started again on the same file finds every stream it said it made
                coordinator.kill();
                Daemon again = cluster.startCoordinator();
                Set<String> kept = new HashSet<>();
                for (StreamInfo info : cluster.control().call(new ControlRequest.ListStreams(true), StreamInfo[].class)) {
                    kept.add(info.id());
                }
                System.out.printf("FAULTS coordinator H2 folder full 8 s: %d of %d in flight, %d results while full;"
                        + " create_stream while full: %s; create_stream answered %.2f s after space was freed, run ended"
                        + " %.2f s after; log says full: %s; restarted on the same file: %s%n", count - before, count,
                        duringFull, whileFull, recovered, ended, log.contains("No space left on device"), kept);
                FaultsNetworkIT.assertExactlyOnce(c, count);
                assertThat(log).as("the coordinator's log names the full disk").contains("is full (No space left on device)");
                List<String> refused = whileFull.stream().filter(o -> !o.endsWith(" created")).toList();
                assertThat(refused).as("writes that found the disk full").isNotEmpty();
                assertThat(refused).as("every write refused while the disk is full gives the reason (the coordinator"
                        + " keeps its lease on its own H2 file)").allMatch(o -> o.contains("is full (No space left on device)"));
                assertThat(kept).as("what it answered as made is still there after a restart")
                        .contains("h2-full", "after-free").containsAll(answeredCreated);
                assertThat(again.isAlive()).isTrue();
            } finally {
                cluster.close();
                Faults.script("fulldisk.sh", "umount", store.toString());
            }
        }
    }

    @Test
    void aFullDiskUnderANodesBundleCacheHoldsItsJobsAndTheyRunOnceSpaceIsFreed(@TempDir Path tasks) throws Exception {
        Faults.require();
        int count = 600;
        try (Cluster cluster = new Cluster("faults-cache")) {
            Path cache = cluster.dataDir.resolve("bundles-1"); // the first node's --cache-dir
            Faults.script("fulldisk.sh", "mount", cache.toString(), "2m");
            try {
                cluster.startCoordinator();
                Faults.script("fulldisk.sh", "fill", cache.toString());
                Daemon node = cluster.startNode(2);
                SlowSquares c = FaultsNetworkIT.client(cluster, tasks, "cache-full", count);
                CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
                // full before the node has the run's code: every job waits for it, none fails or is lost
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> node.log().contains("cannot cache code bundle"));
                Thread.sleep(8000);
                int whileFull = c.received.size();
                Faults.script("fulldisk.sh", "free", cache.toString());
                long freed = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !c.received.isEmpty());
                double firstResult = FaultsNetworkIT.since(freed);
                run.get(120, TimeUnit.SECONDS);
                double ended = FaultsNetworkIT.since(freed);
                List<String> left;
                try (Stream<Path> files = Files.list(cache)) {
                    left = files.map(f -> f.getFileName().toString()).sorted().toList();
                }
                String log = node.log();
                long refusals = log.lines().filter(l -> l.contains("ERROR") && l.contains("cannot cache code bundle")).count();
                long requeued = log.lines().filter(l -> l.contains("the job goes back to the queue")).count();
                System.out.printf("FAULTS node bundle cache full (a 2 MB tmpfs filled) before the run: %d of %d in flight,"
                        + " %d results while full, %d failed bundle writes logged, %d times a job went back to its queue;"
                        + " first result %.2f s after space was freed, run ended %.2f s after; cache holds %s%n", count,
                        count, whileFull, refusals, requeued, firstResult, ended, left);
                FaultsNetworkIT.assertExactlyOnce(c, count);
                assertThat(whileFull).as("no job ran, or failed, without its code").isZero();
                assertThat(log).contains("No space left on device").contains("go back to their queue");
                assertThat(left).as("one whole bundle, no partial write left behind").hasSize(1)
                        .allMatch(f -> f.matches("[0-9a-f]{64}\\.zip"));
            } finally {
                cluster.close();
                Faults.script("fulldisk.sh", "umount", cache.toString());
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
            } catch (ExecutionException e) {
                failed = true;
                outcome = "run failed: " + e.getCause().getMessage();
            }
            double failedAfter = FaultsNetworkIT.since(freed);
            // space freed: the same client id runs again and resumes (what its task file has is not sent or delivered again)
            SlowSquares again = new SlowSquares(ClientOptions.builder().settings(cluster.settings)
                    .taskDir(tasks).stream("tasks-full").clientId(c.id())
                    .out(new PrintStream(new ByteArrayOutputStream(), true)).build(), count);
            CompletableFuture.runAsync(again::run).get(120, TimeUnit.SECONDS);
            double resumed = FaultsNetworkIT.since(freed);
            Set<String> ids = new HashSet<>();
            c.received.forEach(j -> ids.add(j.id()));
            again.received.forEach(j -> ids.add(j.id()));
            long lines = Files.readAllLines(tasks.resolve(c.id()).resolve("results.ok")).size();
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
