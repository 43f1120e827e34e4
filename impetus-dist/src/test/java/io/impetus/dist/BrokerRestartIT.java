package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Awaited;
import io.impetus.client.ClientOptions;
import io.impetus.client.FailurePolicy;
import io.impetus.client.Impetus;
import io.impetus.client.ScheduleOptions;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.dist.fixtures.Chords;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.dist.fixtures.Sleepy;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ restarts mid-run ({@code rabbitmqctl stop_app; start_app}): coordinator, node and
 * client reconnect, re-declare and resume consuming, and every result reaches its stage once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BrokerRestartIT {

    @Test
    void aRunOfJobsCompletesAcrossABrokerRestartWithEveryResultDeliveredOnce(@TempDir Path tasks) throws Exception {
        String host = URI.create(TestBroker.get().amqpUri()).getHost();
        Assumptions.assumeTrue(Set.of("localhost", "127.0.0.1").contains(host) && Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")),
                "needs the local broker and rabbitmqctl");
        try (Cluster cluster = new Cluster("restart-broker")) {
            cluster.startCoordinator();
            cluster.startNode(2);
            Squares client = new Squares(ClientOptions.builder().settings(cluster.settings).taskDir(tasks)
                    .out(new PrintStream(new ByteArrayOutputStream(), true)).build(), 0, 400);
            CompletableFuture<?> run = CompletableFuture.runAsync(client::run);
            await().atMost(Duration.ofSeconds(120)).until(() -> client.received.size() >= 50);

            rabbitmqctl("stop_app");
            rabbitmqctl("start_app");

            run.get(240, TimeUnit.SECONDS);
            assertThat(client.received).hasSize(400);
            assertThat(client.received.stream().map(j -> j.id()).distinct()).hasSize(400);
            assertThat(client.received).allSatisfy(j ->
                    assertThat(j.result(Long.class)).isEqualTo(j.args(Long.class) * j.args(Long.class)));
            assertThat(Files.readAllLines(tasks.resolve(client.id()).resolve("results.ok"))).hasSize(400);
        }
    }

    /**
     * What the coordinator holds for later — a schedule firing every second, a cancel of a queued job, a job waiting
     * for another — keeps its promise across a broker restart: the schedule's occurrences each have one job and one
     * result (those due while RabbitMQ was down are published once it is back), the cancelled job never runs on a
     * node started after the restart, and the waiting job runs once with its input's result.
     */
    @Test
    void schedulesCancelsAndWaitingJobsKeepTheirPromisesAcrossABrokerRestart(@TempDir Path traces) throws Exception {
        String host = URI.create(TestBroker.get().amqpUri()).getHost();
        Assumptions.assumeTrue(Set.of("localhost", "127.0.0.1").contains(host) && Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")),
                "needs the local broker and rabbitmqctl");
        try (Cluster cluster = new Cluster("restart-held")) {
            cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream("held", Map.of());
                Path trace = traces.resolve("never");
                CompletableFuture<String> cancelled = stream.fork(Sleepy::touch, trace.toString());
                assertThat(cancelled.cancel(true)).isTrue(); // no node yet: the job waits in its queue
                Awaited<String> input = stream.forkAwaited(Jobs::echo, "in");
                Awaited<String> waiting = stream.forkAfter(List.of(input.jobId()), Chords::describe,
                        FailurePolicy.FAIL_DEPENDANT);
                stream.schedule("tick", "* * * * * *", "UTC", Jobs::echo, "tick", ScheduleOptions.DEFAULTS.withSeconds());
                await().atMost(Duration.ofSeconds(30)).until(() -> impetus.schedules().show("tick").runs() >= 3);

                rabbitmqctl("stop_app");
                rabbitmqctl("start_app");

                cluster.startNode(2);
                assertThat(waiting.result().get(120, TimeUnit.SECONDS)).isEqualTo("[in]");
                assertThat(input.result().get(60, TimeUnit.SECONDS)).isEqualTo("in");
                long before = impetus.schedules().show("tick").runs();
                await().atMost(Duration.ofSeconds(60)).until(() -> impetus.schedules().show("tick").runs() >= before + 5);
                ScheduleInfo paused = impetus.schedules().pause("tick");
                await().atMost(Duration.ofSeconds(120)).until(() -> impetus.schedules().show("tick").running() == 0);
                ScheduleInfo done = impetus.schedules().show("tick");
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        impetus.schedules().results("tick", 1000).size() >= done.runs());
                List<ScheduleResult> results = impetus.schedules().results("tick", 1000);
                System.out.printf("broker restart: schedule runs %d (paused after %d), results %d (%d distinct jobs),"
                        + " misses %d%n", done.runs(), paused.runs(), results.size(),
                        results.stream().map(ScheduleResult::job).distinct().count(), done.misses());
                assertThat(results).hasSize((int) done.runs());
                assertThat(results.stream().map(ScheduleResult::job).distinct()).hasSize((int) done.runs());
                assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualToIgnoringCase("ready"));

                assertThat(stream.fork(Jobs::echo, "after").get(60, TimeUnit.SECONDS)).isEqualTo("after");
                await().atMost(Duration.ofSeconds(30)).until(() -> cluster.broker()
                        .inspect(cluster.settings.topology().jobsQueue(stream.id())).orElseThrow().ready() == 0);
                assertThat(trace).as("the cancelled job never ran").doesNotExist();
            }
        }
    }

    private static void rabbitmqctl(String command) throws Exception {
        Process p = new ProcessBuilder(List.of("rabbitmqctl", command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
