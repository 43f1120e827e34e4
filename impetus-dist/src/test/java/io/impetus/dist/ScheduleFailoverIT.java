package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.client.ScheduleOptions;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobParts;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.dist.fixtures.Jobs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A schedule firing every second across a coordinator fail-over (two coordinators on one PostgreSQL store, the
 * active one killed with SIGKILL halfway): every second of the run has exactly one occurrence row and one job (no
 * second missed, none fired twice), every job's result reaches the schedule's results queue, and the lag from an
 * occurrence to its job's row is reported. {@code IMPETUS_SCHEDULE_IT_SECONDS} sets the run's length (default 40;
 * the closing figure of issue 24 used 600). The figures are printed as one line beginning "schedule fail-over:".
 */
@Timeout(value = 1500, unit = TimeUnit.SECONDS)
class ScheduleFailoverIT {
    static int seconds() {
        String given = System.getenv("IMPETUS_SCHEDULE_IT_SECONDS");
        return given == null || given.isBlank() ? 40 : Integer.parseInt(given.trim());
    }

    @Test
    void aScheduleFiringEverySecondRunsEachOccurrenceOnceAcrossAFailOver() throws Exception {
        String url = TestPostgres.url();
        TestPostgres.drop(url, TestPostgres.ALL_TABLES);
        int seconds = seconds();
        try (Cluster cluster = new Cluster("schedule-failover")) {
            Daemon first = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> TestPostgres.leaseHolder(url).contains("/" + first.pid() + "/"));
            Daemon second = cluster.startCoordinator("--store", url);
            await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("standby"));
            cluster.startNode(4);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("ticks", Map.of());
                assertThat(stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS)).isEqualTo("warm");
                ScheduleInfo made = stream.schedule("tick", "* * * * * *", "UTC", Jobs::echo, "tick",
                        ScheduleOptions.DEFAULTS.withSeconds().withResults(100_000, Duration.ofHours(2)));
                String queue = made.resultsQueue();

                Thread.sleep(seconds * 500L); // half the run, then the active coordinator dies
                long killed = System.nanoTime();
                first.kill();
                await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("is now the active coordinator"));
                double tookOver = (System.nanoTime() - killed) / 1e9;
                Thread.sleep(seconds * 500L);
                ScheduleInfo paused = impetus.schedules().pause("tick"); // answered by the new active coordinator
                assertThat(paused.paused()).isTrue();

                // every fired job finishes and its result reaches the results queue
                await().atMost(Duration.ofSeconds(120)).until(() -> TestPostgres.number(url, "SELECT COUNT(*) - COUNT(outcome) FROM"
                        + " schedule_occurrences WHERE schedule = 'tick'") == 0);
                long occurrences = TestPostgres.number(url, "SELECT COUNT(*) FROM schedule_occurrences WHERE schedule = 'tick'");
                long distinctJobs = TestPostgres.number(url, "SELECT COUNT(DISTINCT job) FROM schedule_occurrences WHERE schedule = 'tick'");
                long span = TestPostgres.number(url, "SELECT CAST(EXTRACT(EPOCH FROM MAX(occurrence) - MIN(occurrence)) AS BIGINT) + 1"
                        + " FROM schedule_occurrences WHERE schedule = 'tick'");
                long maxLagMs = TestPostgres.number(url, "SELECT CAST(EXTRACT(EPOCH FROM MAX(fired - occurrence)) * 1000 AS BIGINT)"
                        + " FROM schedule_occurrences WHERE schedule = 'tick'");
                long avgLagMs = TestPostgres.number(url, "SELECT CAST(EXTRACT(EPOCH FROM AVG(fired - occurrence)) * 1000 AS BIGINT)"
                        + " FROM schedule_occurrences WHERE schedule = 'tick'");
                long p99LagMs = TestPostgres.number(url, "SELECT CAST(EXTRACT(EPOCH FROM PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY"
                        + " fired - occurrence)) * 1000 AS BIGINT) FROM schedule_occurrences WHERE schedule = 'tick'");
                long errors = TestPostgres.number(url, "SELECT COUNT(*) FROM schedule_occurrences WHERE schedule = 'tick'"
                        + " AND outcome <> 'ok'");
                // a node may send several results as one batch message: count results, not messages
                Map<String, Integer> results = new HashMap<>();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    results.clear();
                    cluster.broker().sweep(queue, (int) occurrences * 2 + 10, m -> {
                        for (JobEnvelope job : JobParts.jobs(m, WireCodec.standard())) {
                            results.merge(job.id(), 1, Integer::sum);
                        }
                        return false;
                    });
                    return results.size() >= occurrences;
                });
                long resultsInAll = results.values().stream().mapToLong(Integer::longValue).sum();
                System.out.printf("schedule fail-over: %d s run, active coordinator killed at %d s, standby active"
                        + " after %.2f s; occurrences %d, jobs %d, results %d (distinct jobs; %d results in all),"
                        + " span %d s, errors %d; lag occurrence -> job written: avg %d ms, p99 %d ms, max %d ms%n",
                        seconds, seconds / 2, tookOver, occurrences, distinctJobs, results.size(), resultsInAll,
                        span, errors, avgLagMs, p99LagMs, maxLagMs);
                assertThat(distinctJobs).as("one job per occurrence").isEqualTo(occurrences);
                assertThat(span).as("no second without its occurrence").isEqualTo(occurrences);
                assertThat(occurrences).as("about one per second of the run").isGreaterThanOrEqualTo(seconds - 5L);
                assertThat(results).as("every job's result in the schedule's results queue").hasSize((int) occurrences);
                assertThat(errors).isZero();
            }
        }
    }
}
