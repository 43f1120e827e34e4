package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.security.SigningKey;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.dist.fixtures.Sleepy;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import io.impetus.testkit.TestKeys;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling jobs end to end, on a real broker with a real coordinator and node processes: a waiting
 * job never starts, a running job's worker is stopped within a second, the client keeps one outcome
 * when a cancel races the job's end, and only the stream's creator (or the admin) may cancel.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CancelIT {
    private Cluster cluster;
    private Path traces;

    private int httpPort;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster("cancel");
        traces = Files.createTempDirectory("cancel-it");
        cluster.env.put("IMPETUS_HTTP_KEY", PAGE_KEY);
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        cluster.startCoordinator("--http-port", String.valueOf(httpPort));
    }

    static final String PAGE_KEY = "cancel-page-key";

    /** A POST to the status page's /api/cancel with the page's key, and its action header when {@code asThePage}. */
    private HttpResponse<String> pageCancel(String form, boolean asThePage) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/api/cancel"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("impetus:" + PAGE_KEY).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (asThePage) {
            r.header("X-Impetus-Action", "1");
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    /** The admin's control client, signing with the installation's key (what {@code impetus cancel} does). */
    private ControlClient admin() {
        return new ControlClient(cluster.broker(), cluster.settings.topology(), Duration.ofSeconds(10),
                SigningKey.parse(TestKeys.signingKey(), "test"));
    }

    /** Waits until a node's heartbeat lists {@code jobId} as running: what the page and impetus job show, and the coordinator checks. */
    private void seenRunning(String jobId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(admin().call(
                new ControlRequest.ListNodes(), NodeStatus[].class))
                .anyMatch(n -> n.jobs().stream().anyMatch(j -> j.jobId().equals(jobId))));
    }

    private static long pidIn(Path file) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(file) && Files.size(file) > 0);
        return Long.parseLong(Files.readString(file).trim());
    }

    /** Milliseconds from {@code sinceNanos} until process {@code pid} is gone. */
    private static long millisUntilGone(long pid, long sinceNanos) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    @Test
    void theStatusPagesCancelNeedsThePagesHeaderAndStopsARunningJob() throws Exception {
        cluster.startNode(1);
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("page"), Map.of());
            CompletableFuture<Long> job = stream.fork(Sleepy::recordPidAndSleep, traces.resolve("p").toString());
            long pid = pidIn(traces.resolve("p"));
            String form = "stream=" + stream.id() + "&job=" + Impetus.jobId(job);
            assertThat(pageCancel(form, false).statusCode()).isEqualTo(403); // another site's forged form
            assertThat(pageCancel("stream=no-such-stream&job=x", true).statusCode()).isEqualTo(404);
            assertThat(pageCancel("job=x", true).statusCode()).isEqualTo(400);
            HttpResponse<String> unknown = pageCancel("stream=" + stream.id() + "&job=no-such-job", true);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no job no-such-job is running", "nothing was cancelled");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            seenRunning(Impetus.jobId(job)); // the page's button is on the Running jobs table, from the heartbeats

            HttpResponse<String> done = pageCancel(form, true);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("the admin");
            assertThat(millisUntilGone(pid, System.nanoTime())).isLessThan(1000);
            await().atMost(Duration.ofSeconds(10)).until(job::isDone);
            assertThat(job).isCancelled();
        }
    }

    /** The cluster's settings, logged in as broker-config's {@code impetus-client} user. */
    private ConnectionSettings asClientRole() {
        URI test = URI.create(TestBroker.get().amqpUri());
        Map<String, String> cli = new HashMap<>(Map.of("uri", "amqp://impetus-client:impetus@" + test.getHost() + ":"
                + test.getPort() + test.getRawPath(), "prefix", cluster.prefix));
        return SettingsResolver.resolve(cli, Map.of(), Map.of());
    }

    @Test
    void aCancelledWaitingJobNeverStartsEvenOnANodeStartedAfterTheCancel() throws Exception {
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
            impetus.onLateResult(late::add);
            Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("waiting"), Map.of());
            Path trace = traces.resolve("never");
            CompletableFuture<String> waiting = stream.fork(Sleepy::touch, trace.toString());
            assertThat(waiting.cancel(true)).isTrue(); // no node yet: the job waits in its queue
            assertThat(waiting).isCancelled();
            assertThat(waiting.cancel(true)).isFalse(); // once is enough

            cluster.startNode(1); // learns the cancel from the coordinator's list before it takes the job
            assertThat(stream.fork(Squares::square, 5L).get(90, TimeUnit.SECONDS)).isEqualTo(25L);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.broker()
                    .inspect(cluster.settings.topology().jobsQueue(stream.id())).orElseThrow().ready() == 0);
            assertThat(trace).doesNotExist();
            assertThat(late).isEmpty(); // the node's own 'cancelled' result was dropped as a repeat
        }
    }

    @Test
    void aRunningJobHasItsWorkerStoppedWithinASecondAndItsClientGetsOneCancelledResult() throws Exception {
        cluster.startNode(1);
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
            impetus.onLateResult(late::add);
            Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("running"), Map.of("maxAttempts", 3));

            // cancelled by the admin (impetus cancel, the status page): the node's result reaches the client
            CompletableFuture<Long> byAdmin = stream.fork(Sleepy::recordPidAndSleep, traces.resolve("a").toString());
            long pid = pidIn(traces.resolve("a"));
            seenRunning(Impetus.jobId(byAdmin)); // as impetus job shows it; an id the coordinator does not see is refused
            long t0 = System.nanoTime();
            JobCancel accepted = admin().call(new ControlRequest.CancelJobs(stream.id(), Impetus.jobId(byAdmin), null),
                    JobCancel.class);
            long stopped = millisUntilGone(pid, t0);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(byAdmin::isDone);
            long settled = (System.nanoTime() - t0) / 1_000_000;
            assertThat(accepted.by()).isEqualTo("the admin");
            assertThat(byAdmin).isCancelled();
            assertThat(stopped).isLessThan(1000);

            // cancelled by its own client through the future
            CompletableFuture<Long> byFuture = stream.fork(Sleepy::recordPidAndSleep, traces.resolve("b").toString());
            long pid2 = pidIn(traces.resolve("b"));
            long t1 = System.nanoTime();
            assertThat(byFuture.cancel(true)).isTrue();
            long settled2 = (System.nanoTime() - t1) / 1_000_000;
            long stopped2 = millisUntilGone(pid2, t1);
            assertThat(stopped2).isLessThan(1000);
            System.out.printf("cancel of a running job: by the admin, worker stopped %d ms, client result %d ms;"
                    + " by the future, worker stopped %d ms, future cancelled %d ms%n", stopped, settled, stopped2, settled2);

            // not retried: the stream goes on with the next job, and no second result of either came
            assertThat(stream.fork(Squares::square, 6L).get(90, TimeUnit.SECONDS)).isEqualTo(36L);
            assertThat(late).isEmpty();
        }
    }

    @Test
    void aCancelRacingTheJobsEndSettlesToOneOutcome() throws Exception {
        cluster.startNode(2);
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            List<Impetus.LateResult> late = new CopyOnWriteArrayList<>();
            impetus.onLateResult(late::add);
            Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("race"), Map.of());
            assertThat(stream.fork(Jobs::sleep, 1L).get(90, TimeUnit.SECONDS)).isEqualTo(1L); // workers are up
            int cancelled = 0;
            int ended = 0;
            for (int i = 0; i < 30; i++) {
                CompletableFuture<Long> f = stream.fork(Jobs::sleep, 20L + i % 10);
                Thread.sleep(10 + (i * 7) % 70); // around the job's end (a round trip and 20-29 ms), either side
                boolean won = f.cancel(true);
                assertThat(f).as("job %d", i).isDone();
                assertThat(f.isCancelled()).as("job %d", i).isEqualTo(won);
                if (won) {
                    cancelled++;
                } else {
                    assertThat(f.get()).isEqualTo(20L + i % 10);
                    ended++;
                }
            }
            // the race's other side: the node's results (a value, or 'cancelled') of the cancelled jobs are dropped
            assertThat(stream.fork(Squares::square, 7L).get(90, TimeUnit.SECONDS)).isEqualTo(49L);
            System.out.printf("race: %d cancelled, %d ended first%n", cancelled, ended);
            assertThat(late).isEmpty();
            assertThat(cancelled + ended).isEqualTo(30);
        }
    }

    @Test
    void onlyTheStreamsCreatorOrTheAdminMayCancelAndARefusedCancelChangesNothing() throws Exception {
        URI test = URI.create(TestBroker.get().amqpUri());
        Assumptions.assumeTrue(test.getRawPath() != null && test.getRawPath().length() > 1,
                "the client role's user is defined for the vhosts of broker-config/definitions.json");
        cluster.startNode(1);
        String shared = TestBroker.uniqueName("shared");
        // both log in as the client role (not the admin's broker user): then only the creator's client id may
        ConnectionSettings client = asClientRole();
        try (Impetus alice = Impetus.connect(client, TestBroker.uniqueName("alice"));
             Impetus bob = Impetus.connect(client, TestBroker.uniqueName("bob"))) {
            alice.stream(shared, Map.of());
            Impetus.Stream joined = bob.stream(shared, Map.of());
            CompletableFuture<Long> job = joined.fork(Sleepy::recordPidAndSleep, traces.resolve("c").toString());
            long pid = pidIn(traces.resolve("c"));
            assertThatThrownBy(() -> job.cancel(true)).isInstanceOf(RpcException.class)
                    .hasMessageContaining("created by client " + alice.clientId())
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.FORBIDDEN));
            assertThat(job).isNotDone();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
            assertThatThrownBy(() -> bob.cancel("no-such-job")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a job of client " + bob.clientId());
            assertThatThrownBy(() -> admin().call(new ControlRequest.CancelJobs("no-such-stream", "x", null),
                    JobCancel.class)).isInstanceOf(RpcException.class).hasMessageContaining("no stream 'no-such-stream'");
            assertThatThrownBy(() -> admin().call(new ControlRequest.CancelJobs(shared, "no-such-job", null),
                    JobCancel.class)).isInstanceOf(RpcException.class).hasMessageContaining("no job no-such-job")
                    .satisfies(e -> assertThat(((RpcException) e).code()).isEqualTo(RpcError.Code.UNKNOWN_JOB));
            assertThat(admin().call(new ControlRequest.ListCancels(), JobCancel[].class))
                    .noneMatch(c -> shared.equals(c.stream())); // the refused cancels changed nothing
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

            // the admin may: every job of the stream so far
            admin().call(new ControlRequest.CancelJobs(shared, null, null), JobCancel.class);
            assertThat(millisUntilGone(pid, System.nanoTime())).isLessThan(1000);
            await().atMost(Duration.ofSeconds(10)).until(job::isDone);
            assertThat(job).isCancelled();
        }
    }
}
