package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Awaited;
import io.impetus.client.FailurePolicy;
import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import io.impetus.dist.fixtures.Chords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that wait for other jobs, end to end on RabbitMQ and PostgreSQL with two coordinators: a client program
 * forks 20 slow inputs, a fan-in of all 20 and a chain of two after it, and is killed with SIGKILL; the active
 * coordinator is killed too while the inputs still run. The standby takes over; the fan-in runs once with all
 * 20 results, each link of the chain once after it; the client run again with its id gets the three results.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JobsThatWaitForJobsIT {
    private static final int INPUTS = 20;

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aFanInAndAChainRunOnceWithAllInputsAcrossAClientKillAndACoordinatorFailOver(@TempDir Path dir)
            throws Exception {
        String url = CoordinatorFailoverIT.postgres();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases", "dependants",
                    "dependant_inputs", "inputs_done"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        try (Cluster cluster = new Cluster("deps")) {
            Daemon first = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(query(url,
                    "SELECT holder FROM leases WHERE name = 'coordinator'")).contains("/" + first.pid() + "/"));
            Daemon second = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("standby"));
            cluster.startNode(4);
            String id = "deps-" + cluster.prefix.substring(cluster.prefix.length() - 6);
            Path ids = dir.resolve("ids.txt");
            Path runs = dir.resolve("runs.txt");

            Daemon client = Daemon.testClass(cluster.prefix + "-client", Chords.class, cluster.env, id, dir.toString(),
                    String.valueOf(INPUTS));
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(ids) || !client.isAlive());
            assertThat(Files.exists(ids)).as(client.log()).isTrue();
            List<String> dependants = lines(ids);
            client.kill(); // SIGKILL: the three dependants are held by the coordinator, not by it
            first.kill(); // and the active coordinator, while the inputs still run (3 s each, 4 at a time)
            long doneAtKill = lines(runs).stream().filter(l -> !l.startsWith("in:")).count();
            assertThat(doneAtKill).as("no dependant ran before the kills").isZero();
            int inputsAtKill = lines(runs).size();
            await().atMost(Duration.ofSeconds(15)).until(() -> String.valueOf(query(url,
                    "SELECT holder FROM leases WHERE name = 'coordinator'")).contains("/" + second.pid() + "/"));

            Map<String, String> results = new ConcurrentHashMap<>();
            try (Impetus rerun = Impetus.connect(cluster.settings, id)) {
                rerun.onLateResult(r -> results.put(r.jobId(), r.ok() ? r.value().asText() : "error " + r.value()));
                rerun.stream(id, Map.of());
                await().atMost(Duration.ofSeconds(120)).until(() -> results.keySet().containsAll(dependants));
            }
            long total = 0;
            for (long i = 1; i <= INPUTS; i++) {
                total += i * i;
            }
            Map<String, Long> ran = lines(runs).stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            System.out.printf("jobs that wait for jobs: %d of %d inputs done at the kills; runs %s%n", inputsAtKill,
                    INPUTS, ran);
            assertThat(ran).as("the fan-in ran once, with all %d inputs", INPUTS)
                    .containsEntry("sum:" + INPUTS + ":" + total, 1L);
            assertThat(ran).as("each link of the chain ran once, after the one before")
                    .containsEntry("link:" + total, 1L).containsEntry("link:" + (total + 1), 1L);
            assertThat(ran.keySet().stream().filter(l -> !l.startsWith("in:"))).hasSize(3);
            assertThat(results.get(dependants.get(0))).isEqualTo(dir + "|" + total);
            assertThat(results.get(dependants.get(2))).isEqualTo(dir + "|" + (total + 2));
            assertThat(query(url, "SELECT COUNT(*) FROM delayed_jobs")).isEqualTo("0");
            assertThat(query(url, "SELECT COUNT(*) FROM dependants WHERE released IS NULL")).isEqualTo("0");
        }
    }

    @Test
    void aFailedInputFailsItsDependantsLinkByLinkOrIsPassedInAndABadInputIsRefused() throws Exception {
        try (Cluster cluster = new Cluster("deps-fail")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("deps-fail", Map.of());
                Awaited<String> ok = stream.forkAwaited(Chords::quick, "fine");
                Awaited<String> bad = stream.forkAwaited(Chords::fail, "x");
                Awaited<Integer> counted = stream.forkAfter(List.of(ok.jobId(), bad.jobId()), Chords::count,
                        FailurePolicy.FAIL_DEPENDANT);
                Awaited<Integer> next = stream.forkAfter(List.of(counted.jobId()), Chords::count,
                        FailurePolicy.FAIL_DEPENDANT);
                Awaited<String> passed = stream.forkAfter(List.of(ok.jobId(), bad.jobId()), Chords::describe,
                        FailurePolicy.PASS_ERRORS);

                assertThat(passed.result().get(60, TimeUnit.SECONDS)).startsWith("[fine, {").contains("boom x");
                assertThatThrownBy(() -> counted.result().get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(JobFailedException.class)
                        .hasMessageContaining("input " + bad.jobId() + " failed").hasMessageContaining("boom x");
                assertThatThrownBy(() -> next.result().get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(JobFailedException.class)
                        .hasMessageContaining("input " + counted.jobId() + " failed");

                Impetus.Stream other = impetus.stream("deps-other", Map.of());
                assertThatThrownBy(() -> other.forkAfter(List.of(ok.jobId()), Chords::describe,
                        FailurePolicy.FAIL_DEPENDANT)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("is a job of stream 'deps-fail', not of 'deps-other'");
                assertThatThrownBy(() -> stream.forkAfter(List.of("no-such-job"), Chords::describe,
                        FailurePolicy.FAIL_DEPENDANT)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("unknown job id 'no-such-job'");
            }
        }
    }
}
