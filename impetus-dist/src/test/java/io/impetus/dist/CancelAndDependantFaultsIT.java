package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.impetus.client.Awaited;
import io.impetus.client.FailurePolicy;
import io.impetus.client.Impetus;
import io.impetus.client.JobFailedException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.security.SigningKey;
import io.impetus.dist.fixtures.Chords;
import io.impetus.dist.fixtures.Sleepy;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import io.impetus.testkit.TestKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancels and jobs that wait for jobs under the faults the project survives (real RabbitMQ, real processes,
 * SIGKILL): a cancel across a node's kill, across a coordinator fail-over and across the only coordinator's kill
 * and restart, a waiting dependant across a coordinator's kill and restart, and an input the broker dead-letters
 * without a result.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CancelAndDependantFaultsIT {

    private static ControlClient admin(Cluster cluster) {
        return new ControlClient(cluster.broker(), cluster.settings.topology(), Duration.ofSeconds(10),
                SigningKey.parse(TestKeys.signingKey(), "test"));
    }

    private static long pidIn(Path file) {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(file) && Files.size(file) > 0);
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void aRunningJobCancelledWhileItsNodeIsKilledHasOneOutcomeAndNeverRunsAgain(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("cancel-kill")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(1);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
                impetus.onLateResult(late::add);
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("cancel-kill"), Map.of("maxAttempts", 3));
                Path trace = dir.resolve("pid");
                CompletableFuture<Long> job = stream.fork(Sleepy::recordPidAndSleep, trace.toString());
                pidIn(trace);
                String id = Impetus.jobId(job);
                await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(admin(cluster).call(
                        new ControlRequest.ListNodes(), NodeStatus[].class))
                        .anyMatch(n -> n.jobs().stream().anyMatch(j -> j.jobId().equals(id))));

                // the node dies (SIGKILL) as the admin's cancel is on its way: the job goes back to its queue
                CompletableFuture<JobCancel> cancel = CompletableFuture.supplyAsync(() -> admin(cluster).call(
                        new ControlRequest.CancelJobs(stream.id(), id, null), JobCancel.class));
                node.kill();
                assertThat(cancel.get(30, TimeUnit.SECONDS).job()).isEqualTo(id);
                Files.delete(trace); // a worker orphaned by its node's SIGKILL may sleep on, but never writes it again

                // the next node learns the cancel before it takes the job: it never runs again, and ends 'cancelled'
                cluster.startReplacementNode(1);
                await().atMost(Duration.ofSeconds(60)).until(job::isDone);
                assertThat(job).isCancelled();
                assertThat(stream.fork(Squares::square, 6L).get(90, TimeUnit.SECONDS)).isEqualTo(36L);
                assertThat(trace).as("the cancelled job did not start on the new node").doesNotExist();
                assertThat(late).as("one outcome: nothing came after the cancel").isEmpty();
                System.out.printf("cancel across a node's SIGKILL: job %s cancelled, not run again, %d late results%n",
                        id, late.size());
            }
        }
    }

    @Test
    void aCancelAcceptedByTheOldCoordinatorIsHonouredByTheNewAfterAFailOver(@TempDir Path dir) throws Exception {
        String url = CoordinatorFailoverIT.postgres();
        try (Cluster cluster = new Cluster("cancel-failover")) {
            Daemon first = cluster.startCoordinator("--store", url);
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("cancel-failover"), Map.of());
                Path trace = dir.resolve("never");
                CompletableFuture<String> waiting = stream.fork(Sleepy::touch, trace.toString());
                String id = Impetus.jobId(waiting);
                assertThat(waiting.cancel(true)).isTrue(); // no node yet: the job waits in its queue

                // a standby started after the cancel: it never heard the announcement, the store has the cancel
                Daemon second = cluster.startCoordinator("--store", url);

                // the coordinator that accepted it is killed; the other one takes over and lists it from the store
                String line = "cancel of job " + id + " of stream " + stream.id() + " accepted";
                await().atMost(Duration.ofSeconds(10)).until(() -> first.log().contains(line)
                        || second.log().contains(line));
                Daemon accepted = first.log().contains(line) ? first : second;
                Daemon survivor = accepted == first ? second : first;
                accepted.kill();
                await().atMost(Duration.ofSeconds(60)).until(() -> holds(url, survivor));
                assertThat(Arrays.asList(admin(cluster).call(new ControlRequest.ListCancels(), JobCancel[].class)))
                        .as("the new holder still lists it for nodes that start later")
                        .anyMatch(c -> id.equals(c.job()));

                cluster.startNode(1);
                assertThat(stream.fork(Squares::square, 5L).get(90, TimeUnit.SECONDS)).isEqualTo(25L);
                await().atMost(Duration.ofSeconds(20)).until(() -> cluster.broker()
                        .inspect(cluster.settings.topology().jobsQueue(stream.id())).orElseThrow().ready() == 0);
                assertThat(trace).as("cancelled before the fail-over, so never started after it").doesNotExist();
            }
        }
    }

    @Test
    void aCancelOutlivesTheOnlyCoordinatorsKillAndANodeStartedAfterItsRestartNeverRunsTheJob(@TempDir Path dir)
            throws Exception {
        try (Cluster cluster = new Cluster("cancel-restart")) {
            Daemon coordinator = cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
                impetus.onLateResult(late::add);
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("cancel-restart"), Map.of());
                Path trace = dir.resolve("never");
                CompletableFuture<String> waiting = stream.fork(Sleepy::touch, trace.toString());
                String id = Impetus.jobId(waiting);
                assertThat(waiting.cancel(true)).isTrue(); // no node: the job waits in its queue
                String line = "cancel of job " + id + " of stream " + stream.id() + " accepted";
                await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.log().contains(line));

                // the only coordinator dies (SIGKILL) and starts again: its memory is gone, its store is not
                coordinator.kill();
                cluster.startCoordinator();
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Arrays.stream(admin(cluster)
                        .call(new ControlRequest.ListCancels(), JobCancel[].class)).anyMatch(c -> id.equals(c.job())));

                // a node started now has heard no announcement: it learns the cancel from the restarted coordinator
                cluster.startNode(1);
                assertThat(stream.fork(Squares::square, 7L).get(90, TimeUnit.SECONDS)).isEqualTo(49L);
                await().atMost(Duration.ofSeconds(20)).until(() -> cluster.broker()
                        .inspect(cluster.settings.topology().jobsQueue(stream.id())).orElseThrow().ready() == 0);
                assertThat(waiting).isCancelled();
                assertThat(trace).as("cancelled before the restart, so never started after it").doesNotExist();
                assertThat(late).as("one outcome, 'cancelled': nothing came after it").isEmpty();
                System.out.printf("cancel across the only coordinator's SIGKILL and restart: job %s not run, %d late"
                        + " results%n", id, late.size());
            }
        }
    }

    private static boolean holds(String url, Daemon coordinator) throws Exception {
        try (java.sql.Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM leases WHERE name = 'coordinator' AND holder LIKE '%/"
                     + coordinator.pid() + "/%' AND expires > CURRENT_TIMESTAMP")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    @Test
    void aWaitingDependantFiresOnceAcrossACoordinatorKillAndRestart(@TempDir Path dir) throws Exception {
        try (Cluster cluster = new Cluster("deps-kill")) {
            Daemon coordinator = cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("deps-kill"), Map.of());
                cluster.startNode(1);
                assertThat(stream.fork(Chords::quick, "warm").get(90, TimeUnit.SECONDS)).isEqualTo("warm"); // code cached
                Awaited<String> input = stream.forkAwaited(Chords::slowSquare, dir + "|3"); // 3 s
                Awaited<String> link = stream.forkAfter(List.of(input.jobId()), Chords::link,
                        FailurePolicy.FAIL_DEPENDANT);

                // held in the store; the coordinator dies (SIGKILL) and the input ends while none is up
                coordinator.kill();
                assertThat(input.result().get(90, TimeUnit.SECONDS)).isEqualTo(dir + "|9");
                assertThat(link.result()).isNotDone();

                cluster.startCoordinator(); // the same store: it counts the queued done notice and releases the link
                assertThat(link.result().get(90, TimeUnit.SECONDS)).isEqualTo(dir + "|10");
                Path runs = dir.resolve("runs.txt");
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                        .until(() -> lines(runs).size() == 2);
                assertThat(lines(runs)).containsExactly("in:3", "link:9");
            }
        }
    }

    @Test
    void anInputTheBrokerDeadLettersWithoutAResultSettlesItsDependantsByTheirPolicy() throws Exception {
        try (Cluster cluster = new Cluster("deps-dead")) {
            cluster.startCoordinator();
            try (Impetus impetus = Impetus.connect(cluster.settings)) {
                Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("deps-dead"), Map.of());
                String queue = cluster.settings.topology().jobsQueue(stream.id());
                Awaited<String> poison = stream.forkAwaited(Chords::quick, "poison");
                await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker().inspect(queue).orElseThrow()
                        .ready() == 1);
                Awaited<String> ok = stream.forkAwaited(Chords::quick, "fine");
                Awaited<Integer> failed = stream.forkAfter(List.of(ok.jobId(), poison.jobId()), Chords::count,
                        FailurePolicy.FAIL_DEPENDANT);
                Awaited<Integer> next = stream.forkAfter(List.of(failed.jobId()), Chords::count,
                        FailurePolicy.FAIL_DEPENDANT);
                Awaited<String> passed = stream.forkAfter(List.of(ok.jobId(), poison.jobId()), Chords::describe,
                        FailurePolicy.PASS_ERRORS);

                // a consumer rejects the poison input: RabbitMQ dead-letters it (no node ever ran it, no result)
                ConnectionFactory factory = new ConnectionFactory();
                factory.setUri(TestBroker.get().amqpUri());
                try (Connection c = factory.newConnection("it-reject"); Channel ch = c.createChannel()) {
                    GetResponse first = ch.basicGet(queue, false);
                    assertThat(new String(first.getBody(), StandardCharsets.UTF_8)).contains(poison.jobId());
                    ch.basicReject(first.getEnvelope().getDeliveryTag(), false);
                }
                cluster.startNode(2);

                assertThatThrownBy(() -> poison.result().get(60, TimeUnit.SECONDS))
                        .hasMessageContaining("was dead-lettered").hasMessageContaining("a consumer rejected it");
                assertThatThrownBy(() -> failed.result().get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(JobFailedException.class)
                        .hasMessageContaining("input " + poison.jobId() + " failed: job " + poison.jobId()
                                + " was dead-lettered");
                assertThatThrownBy(() -> next.result().get(60, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(JobFailedException.class)
                        .hasMessageContaining("input " + failed.jobId() + " failed");
                assertThat(passed.result().get(60, TimeUnit.SECONDS)).startsWith("[fine, {")
                        .contains("was dead-lettered");
            }
        }
    }
}
