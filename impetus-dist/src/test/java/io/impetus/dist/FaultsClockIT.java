package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.dist.fixtures.Jobs;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coordinators on one PostgreSQL store whose own clocks are two minutes behind the database's and
 * the others' (libfaketime, scripts/faults/skew.sh). On each coordinator's own clock, the one ten
 * minutes behind would write a lease that has already run out for everyone else (two active
 * coordinators at once), and as a standby it would wait two minutes to take over from a dead one; on
 * the database's clock neither happens. Delayed jobs held through it all run once. (A clock moved
 * forward is not played: libfaketime shifts the CPU-time clocks too, and a JVM minutes ahead crawls on
 * this machine. Two minutes, not more: signed control messages are refused outside a 5-minute
 * freshness window, so clocks further apart than that are an error the logs name, see SECURITY.md.)
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FaultsClockIT {

    @Test
    void coordinatorsWithSkewedClocksNeverBothActAndEveryDelayedJobRunsOnce(@TempDir Path tmp) throws Exception {
        Faults.require();
        String url = CoordinatorFailoverIT.postgres();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        try (Cluster cluster = new Cluster("faults-clock")) {
            Daemon behind = cluster.wrapped(Faults.skewed("-2m")).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> holder(url).contains("/" + behind.pid() + "/"));
            Daemon onTime = cluster.wrapped(List.of()).startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(90)).until(() -> onTime.log().contains("standby"));
            cluster.startNode(2);
            Path marks = tmp.resolve("marks.txt");
            int count = 30;
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("skew", Map.of());
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");
                List<CompletableFuture<String>> delayed = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    // due from 2 s to about 20 s from now: while both run, and across both kills
                    delayed.add(stream.fork(Jobs::mark, marks + "|d" + i, ForkOptions.delay(Duration.ofMillis(2000 + i * 600))));
                }
                // side by side: the lease stays with the one two minutes behind, which has it
                long sideBySide = System.nanoTime();
                await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
                        .until(() -> holder(url).contains("/" + behind.pid() + "/")
                                && !onTime.log().contains("is now the active coordinator"));
                double watched = FaultsNetworkIT.since(sideBySide);

                long killed = System.nanoTime();
                behind.kill();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> holder(url).contains("/" + onTime.pid() + "/"));
                double tookOver = FaultsNetworkIT.since(killed);

                // and a standby two minutes behind takes over from a dead one on the database's time, not in two minutes
                Daemon lateStandby = cluster.wrapped(Faults.skewed("-2m")).startCoordinator("--store", url);
                await().atMost(Duration.ofSeconds(90)).until(() -> lateStandby.log().contains("standby"));
                long killedAgain = System.nanoTime();
                onTime.kill();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> holder(url).contains("/" + lateStandby.pid() + "/"));
                double lateTookOver = FaultsNetworkIT.since(killedAgain);
                cluster.wrapped(List.of());
                for (CompletableFuture<String> f : delayed) {
                    f.get(60, TimeUnit.SECONDS);
                }
                Map<String, Long> runs = Files.readAllLines(marks).stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                long once = runs.values().stream().filter(n -> n == 1).count();
                System.out.printf("FAULTS coordinator clocks 2 min behind: an on-time standby stayed standby for %.1f s"
                        + " beside the active one and took over %.2f s after it was killed; a standby 2 min behind took"
                        + " over %.2f s after the next kill; %d of %d delayed jobs ran exactly once%n", watched, tookOver,
                        lateTookOver, once, count);
                assertThat(runs).hasSize(count);
                assertThat(once).as("each delayed job ran exactly once").isEqualTo(count);
                assertThat(tookOver).as("the standby takes over on the database's clock").isLessThan(10.0);
                assertThat(lateTookOver).as("a standby whose clock is behind takes over on the database's clock")
                        .isLessThan(10.0);
                assertThat(stream.fork(Jobs::echo, "after").get(60, TimeUnit.SECONDS)).isEqualTo("after");
            }
        }
    }

    private static String holder(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM leases WHERE name = 'coordinator'")) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }
}
