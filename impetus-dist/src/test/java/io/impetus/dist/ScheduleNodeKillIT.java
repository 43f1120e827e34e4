package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.client.ScheduleOptions;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule's jobs across a node's SIGKILL (real broker, PostgreSQL store): a schedule every second whose job
 * takes 700 ms; the only node is killed while it runs one of them, and another node is started. Counted: the
 * occurrence rows (the store's promise, one per second), their distinct job ids, and the distinct job ids of the
 * results in the schedule's results queue. Every occurrence has exactly one job and one result; the interrupted
 * job (back in its queue when its node's channel died) runs again on the new node under the same job id, so runs
 * (lines the job writes as it starts) may exceed occurrences — printed, not asserted.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ScheduleNodeKillIT {
    private static Optional<String> runningOn(Cluster cluster, long pid) {
        ControlClient admin = new ControlClient(cluster.broker(), cluster.settings.topology(), Duration.ofSeconds(10),
                SigningKey.parse(TestKeys.signingKey(), "test"));
        return Arrays.stream(admin.call(new ControlRequest.ListNodes(), NodeStatus[].class))
                .filter(n -> n.pid() == pid).flatMap(n -> n.jobs().stream()).map(j -> j.jobId())
                .filter(id -> id.startsWith("kill:")).findFirst();
    }

    @Test
    void everyOccurrenceHasOneJobAndOneResultAcrossANodesKill(@TempDir Path dir) throws Exception {
        String url = TestPostgres.url();
        TestPostgres.drop(url, TestPostgres.ALL_TABLES);
        Path runs = dir.resolve("runs");
        try (Cluster cluster = new Cluster("schedule-node-kill")) {
            cluster.startCoordinator("--store", url);
            Daemon first = cluster.startNode(4);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("kill-ticks", Map.of("maxAttempts", 3));
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");
                ScheduleInfo made = stream.schedule("kill", "* * * * * *", "UTC", Jobs::markSlowly,
                        runs + "|700", ScheduleOptions.DEFAULTS.withSeconds().withResults(10_000, Duration.ofHours(1)));
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runs)
                        && Files.readAllLines(runs).size() >= 5);

                // SIGKILL the node while it runs one of the schedule's jobs
                String[] interrupted = new String[1];
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    interrupted[0] = runningOn(cluster, first.pid()).orElse(null);
                    return interrupted[0] != null;
                });
                first.kill();
                Thread.sleep(3_000); // occurrences fall due with no node: their jobs wait in the queue
                cluster.startReplacementNode(4);
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(runs).size() >= 20);
                impetus.schedules().pause("kill");

                await().atMost(Duration.ofSeconds(120)).until(() -> TestPostgres.number(url, "SELECT COUNT(*) - COUNT(outcome) FROM"
                        + " schedule_occurrences WHERE schedule = 'kill'") == 0);
                long occurrences = TestPostgres.number(url, "SELECT COUNT(*) FROM schedule_occurrences WHERE schedule = 'kill'");
                Set<String> jobs = new HashSet<>(TestPostgres.column(url,
                        "SELECT job FROM schedule_occurrences WHERE schedule = 'kill'"));
                long span = TestPostgres.number(url, "SELECT CAST(EXTRACT(EPOCH FROM MAX(occurrence) - MIN(occurrence)) AS BIGINT) + 1"
                        + " FROM schedule_occurrences WHERE schedule = 'kill'");
                long notOk = TestPostgres.number(url, "SELECT COUNT(*) FROM schedule_occurrences WHERE schedule = 'kill'"
                        + " AND outcome <> 'ok'");
                Map<String, Integer> results = new HashMap<>();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    results.clear();
                    cluster.broker().sweep(made.resultsQueue(), (int) occurrences * 2 + 10, m -> {
                        for (JobEnvelope job : JobParts.jobs(m, WireCodec.standard())) {
                            results.merge(job.id(), 1, Integer::sum);
                        }
                        return false;
                    });
                    return results.size() >= occurrences;
                });
                long resultsInAll = results.values().stream().mapToLong(Integer::longValue).sum();
                long ran = Files.readAllLines(runs).size();
                System.out.printf("schedule across a node's SIGKILL: occurrences %d (span %d s), distinct jobs %d,"
                        + " distinct result job ids %d (%d results in all), runs started %d, interrupted job %s"
                        + " (its results: %d), outcomes not ok %d%n", occurrences, span, jobs.size(), results.size(),
                        resultsInAll, ran, interrupted[0], results.getOrDefault(interrupted[0], 0), notOk);
                assertThat(jobs).as("one job per occurrence").hasSize((int) occurrences);
                assertThat(span).as("no second without its occurrence").isEqualTo(occurrences);
                assertThat(results.keySet()).as("one result per occurrence's job, under its job id")
                        .isEqualTo(jobs);
                assertThat(notOk).isZero();
                assertThat(ran).as("every occurrence ran (the interrupted one maybe twice)")
                        .isGreaterThanOrEqualTo(occurrences);
            }
        }
    }
}
