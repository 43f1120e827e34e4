package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
import io.impetus.dist.fixtures.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators on one PostgreSQL store: the active one is paused (SIGSTOP) for four times its
 * lease with delayed jobs falling due, then resumed (SIGCONT). The standby takes over and publishes
 * them; the one woken acts as active no more (its lease view ran out, and any write it had begun
 * is fenced by the lease epoch); every delayed job runs once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CoordinatorPauseIT {

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void signal(Daemon daemon, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(daemon.pid())).start().waitFor()).isZero();
    }

    @Test
    void aCoordinatorPausedForFourLeasesDoesNotActOnWakingAndEveryDelayedJobRunsOnce(@TempDir Path tmp) throws Exception {
        String url = CoordinatorFailoverIT.postgres();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        String holder = "SELECT holder FROM leases WHERE name = 'coordinator'";
        try (Cluster cluster = new Cluster("pause")) {
            Daemon first = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(query(url, holder)).contains("/" + first.pid() + "/"));
            Daemon second = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("standby"));
            Daemon node = cluster.startNode(2);
            Path marks = tmp.resolve("marks.txt");
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("p", Map.of());
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");
                List<CompletableFuture<String>> delayed = new ArrayList<>();
                int count = 40;
                for (int i = 0; i < count; i++) {
                    // due from 1 s to about 5 s from now: before and during the pause
                    delayed.add(stream.fork(Jobs::mark, marks + "|d" + i, ForkOptions.delay(Duration.ofMillis(1000 + i * 100))));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker()
                        .inspect(cluster.settings.topology().delayedQueue()).orElseThrow().ready() == 0);
                String held = query(url, "SELECT COUNT(*) FROM delayed_jobs");
                String epochBefore = query(url, "SELECT epoch FROM leases WHERE name = 'coordinator'");

                long paused = System.nanoTime();
                signal(first, "STOP");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> String.valueOf(query(url, holder)).contains("/" + second.pid() + "/"));
                double tookOver = (System.nanoTime() - paused) / 1e9;
                await().pollDelay(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(13)).until(() -> true); // 4 leases
                signal(first, "CONT");
                await().atMost(Duration.ofSeconds(10)).until(() -> first.log().contains("is standing by"));
                String epochAfter = query(url, "SELECT epoch FROM leases WHERE name = 'coordinator'");

                for (CompletableFuture<String> f : delayed) {
                    f.get(60, TimeUnit.SECONDS);
                }
                Map<String, Long> runs = Files.readAllLines(marks).stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                long fencedLines = first.log().lines().filter(l -> l.contains("fenced: lease epoch")).count();
                System.out.printf("coordinator pause: %s delayed jobs held when the active one was paused for 12 s;"
                        + " standby active after %.2f s; lease epoch %s -> %s; %d of %d delayed jobs ran exactly once;"
                        + " %d 'fenced' lines from the one woken%n", held, tookOver, epochBefore, epochAfter,
                        runs.values().stream().filter(n -> n == 1).count(), count, fencedLines);
                assertThat(runs).as("every delayed job ran").hasSize(count);
                List<String> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
                if (twice.size() > republished(second.log())) { // what the next reader needs to find out why
                    System.out.println("coordinator pause: ran twice " + twice + "; the daemons' logs follow");
                    for (Daemon d : List.of(first, second, node)) {
                        List<String> lines = d.log().lines().toList();
                        System.out.println("---- " + d.pid() + " (last 300 of " + lines.size() + " lines)");
                        lines.subList(Math.max(0, lines.size() - 300), lines.size()).forEach(System.out::println);
                    }
                }
                // A due job whose publish had reached the broker, but whose confirm the paused one had not yet taken
                // (so its row was still claimed), is published again by the new holder: a crash's at-least-once, seen
                // in 1 run of several (one job). More than that would be the fence letting the woken one act.
                assertThat(runs.values().stream().filter(n -> n > 1).count())
                        .as("jobs run twice: only those the new holder published again because the paused one had claimed them"
                                + " (its log counts them)").isLessThanOrEqualTo(republished(second.log()));
                assertThat(runs.values()).as("no job ran more than twice").allMatch(n -> n <= 2);
                assertThat(Long.parseLong(epochAfter)).isEqualTo(Long.parseLong(epochBefore) + 1);
                assertThat(String.valueOf(query(url, holder))).as("the woken one stays standby").contains("/" + second.pid() + "/");
                assertThat(stream.fork(Jobs::echo, "after").get(60, TimeUnit.SECONDS)).isEqualTo("after");
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
