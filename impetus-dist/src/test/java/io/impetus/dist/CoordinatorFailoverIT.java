package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.CreateStreamResult;
import io.impetus.dist.fixtures.Jobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on one PostgreSQL store: the active one is killed with SIGKILL mid-run, with
 * delayed jobs held and due during the switch. The standby takes over within 5 s; every delayed
 * job runs, late rather than never — once, but for one whose publish was in flight at the kill
 * (at least once, as after any crash; its client keeps one result); control requests are answered again.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CoordinatorFailoverIT {
    /** The PostgreSQL store's URL (kept for the ITs that ask here): {@link TestPostgres#url()}. */
    static String postgres() {
        return TestPostgres.url();
    }

    @Test
    void aStandbyTakesOverWithinFiveSecondsAndEveryDelayedJobRunsOnce(@TempDir Path tmp) throws Exception {
        String url = postgres();
        TestPostgres.drop(url, TestPostgres.STORE_TABLES);
        try (Cluster cluster = new Cluster("failover")) {
            Daemon first = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    TestPostgres.leaseHolder(url).contains("/" + first.pid() + "/"));
            Daemon second = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("standby"));
            cluster.startNode(2);
            Path marks = tmp.resolve("marks.txt");
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("f", Map.of());
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");
                List<CompletableFuture<String>> delayed = new ArrayList<>();
                int count = 40;
                for (int i = 0; i < count; i++) {
                    // due from 1 s to about 5 s from now: before, during and after the switch
                    delayed.add(stream.fork(Jobs::mark, marks + "|d" + i, ForkOptions.delay(Duration.ofMillis(1000 + i * 100))));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker()
                        .inspect(cluster.settings.topology().delayedQueue()).orElseThrow().ready() == 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> TestPostgres.text(url, "SELECT COUNT(*) FROM delayed_jobs")
                        .equals(String.valueOf(count))); // every one held by the store, the first due at about 1 s
                String held = TestPostgres.text(url, "SELECT COUNT(*) FROM delayed_jobs");

                long killed = System.nanoTime();
                first.kill();
                CreateStreamResult created = cluster.control().call(
                        new ControlRequest.CreateStream("after-kill", Map.of()), CreateStreamResult.class);
                double answered = (System.nanoTime() - killed) / 1e9;
                assertThat(created.created()).isTrue();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                        TestPostgres.leaseHolder(url).contains("/" + second.pid() + "/"));
                double tookOver = (System.nanoTime() - killed) / 1e9;
                System.out.printf("coordinator fail-over: %s delayed jobs held when the active one was killed;"
                        + " control answered after %.2f s, standby active after %.2f s%n", held, answered, tookOver);
                assertThat(tookOver).as("standby takes over").isLessThan(5.0);

                for (CompletableFuture<String> f : delayed) {
                    f.get(60, TimeUnit.SECONDS);
                }
                Map<String, Long> runs = Files.readAllLines(marks).stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                assertThat(runs).hasSize(count);
                // a job whose publish reached the broker just before the kill, with its row not yet deleted, is
                // published again by the new holder: a crash's at-least-once (seen 1 in 4 runs; the client keeps
                // one result). More than a few would mean the standby publishes what the killed one had done.
                assertThat(runs.values().stream().filter(n -> n > 1).count())
                        .as("jobs run twice: only those the new holder published again because the killed one had claimed them"
                                + " (its log counts them)").isLessThanOrEqualTo(republished(second.log()));
                assertThat(runs.values()).as("no delayed job ran more than twice").allMatch(n -> n <= 2);
                // a job published again by the new holder may answer (first copy) before that holder deletes its row
                await().atMost(Duration.ofSeconds(10)).until(() -> TestPostgres.text(url, "SELECT COUNT(*) FROM delayed_jobs").equals("0"));
                assertThat(stream.fork(Jobs::echo, "after").get(60, TimeUnit.SECONDS)).isEqualTo("after");
                assertThat(second.log()).contains("is now the active coordinator");
            }
        }
    }
    /** Delayed jobs the new holder published again because an earlier holder had claimed them (its log says so). */
    static long republished(String log) {
        Matcher m = Pattern.compile("claimed (\\d+) due delayed job\\(s\\) an earlier lease holder had claimed").matcher(log);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }
}
