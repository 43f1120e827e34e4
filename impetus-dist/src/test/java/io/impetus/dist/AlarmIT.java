package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import io.impetus.dist.fixtures.Jobs;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node under a real memory alarm (rabbitmqctl; always put back): RabbitMQ blocks its publishing
 * connection, yet the node's loop goes on — the jobs it already holds keep running and each job
 * timeout fires on time, not seconds late behind a publish or a request the broker does not read —
 * the alarm shows on {@code impetus status}, and once it clears every job's result reaches the client.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AlarmIT {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Pattern PROCESSING = Pattern.compile(
            "(?m)^(\\S+ \\S+) .*processing job: \\d+, (\\S+), sleep, processing");
    private static final Pattern KILLED = Pattern.compile(
            "(?m)^(\\S+ \\S+) .*job (\\S+) ran past jobTimeout");
    private static final Pattern BLOCKED = Pattern.compile("(?m)^(\\S+ \\S+) .*RabbitMQ blocked the publishing connection");

    @Test
    void aNodeUnderAMemoryAlarmKeepsRunningItsJobsFiresJobTimeoutsOnTimeAndLosesNothing() throws Exception {
        try (Cluster cluster = new Cluster("alarm")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(1);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("a", Map.of("jobTimeout", 1, "maxAttempts", 2));
                assertThat(stream.fork(Jobs::sleep, 0L).get(60, TimeUnit.SECONDS)).as("a warm worker").isZero();
                List<CompletableFuture<Long>> stuck = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    stuck.add(stream.fork(Jobs::sleep, 60_000L));
                }
                String queue = cluster.settings.topology().jobsQueue("a");
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.broker().inspect(queue).orElseThrow().ready() == 0);

                Launcher.Result status;
                try (BrokerAlarm alarm = BrokerAlarm.raise(BrokerAlarm.Kind.MEMORY)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> BLOCKED.matcher(node.log()).find());
                    LocalDateTime blocked = firstTime(BLOCKED, node.log());
                    // job after job times out while the alarm lasts (one worker: they run one at a time)
                    await().atMost(Duration.ofSeconds(60)).until(() -> killsAfter(blocked, node.log()).size() >= 4);
                    status = Launcher.run(cluster.env, "status");
                    assertThat(alarm.isOn()).isTrue();
                    Map<String, Duration> late = killsAfter(blocked, node.log());
                    assertThat(late.values()).as("how late each job timeout fired after its second (ms) during the alarm")
                            .allSatisfy(d -> assertThat(d).isLessThan(Duration.ofMillis(2500)));
                }
                assertThat(status.out()).as(status.toString()).contains("ALARM:", "memory");
                for (CompletableFuture<Long> f : stuck) {
                    assertThat(f).failsWithin(Duration.ofSeconds(120)).withThrowableOfType(ExecutionException.class)
                            .withCauseInstanceOf(JobFailedException.class).withMessageContaining("timed out");
                }
                assertThat(stream.fork(Jobs::sleep, 1L).get(60, TimeUnit.SECONDS)).as("the node works on").isEqualTo(1L);
            }
        }
    }

    private static LocalDateTime firstTime(Pattern p, String log) {
        Matcher m = p.matcher(log);
        assertThat(m.find()).isTrue();
        return LocalDateTime.parse(m.group(1), TIME);
    }

    /**
     * For each job timeout fired after {@code since}: how long after its job's start plus the 1-s
     * jobTimeout (the latest "processing" line of that job before the kill).
     */
    private static Map<String, Duration> killsAfter(LocalDateTime since, String log) {
        Map<String, LocalDateTime> started = new HashMap<>();
        Map<String, Duration> late = new HashMap<>();
        Matcher p = PROCESSING.matcher(log);
        Matcher k = KILLED.matcher(log);
        List<int[]> order = new ArrayList<>();
        while (p.find()) {
            order.add(new int[] {p.start(), 0});
        }
        while (k.find()) {
            order.add(new int[] {k.start(), 1});
        }
        order.sort((a, b) -> Integer.compare(a[0], b[0]));
        int n = 0;
        for (int[] at : order) {
            Matcher m = (at[1] == 0 ? PROCESSING : KILLED).matcher(log);
            assertThat(m.find(at[0])).isTrue();
            LocalDateTime t = LocalDateTime.parse(m.group(1), TIME);
            if (at[1] == 0) {
                started.put(m.group(2), t);
            } else if (t.isAfter(since) && started.containsKey(m.group(2))) {
                late.put(m.group(2) + "#" + n++, Duration.between(started.get(m.group(2)).plusSeconds(1), t));
            }
        }
        return late;
    }
}
