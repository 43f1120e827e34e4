package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.Job;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.Zlib;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlReply;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.topology.Topology;
import io.impetus.dist.fixtures.SlowSquares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite on the real broker: hostile messages straight into every queue Impetus
 * consumes, queues and exchanges deleted mid-run (as from the management UI), and processes
 * killed with SIGKILL. After each, a run's results all arrive exactly once and the node lives.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FaultIT {

    private static SlowSquares client(Cluster cluster, Path tasks, String stream, int count) {
        return new SlowSquares(ClientOptions.builder().settings(cluster.settings).taskDir(tasks).stream(stream)
                .out(new PrintStream(new ByteArrayOutputStream(), true)).build(), count);
    }

    private static void assertExactlyOnce(SlowSquares c, int count) {
        assertThat(c.received).hasSize(count);
        assertThat(c.received.stream().map(Job::id).distinct()).hasSize(count);
        assertThat(c.received).allSatisfy(j -> assertThat(j.result(Long.class)).isEqualTo(j.args(Long.class) * j.args(Long.class)));
    }

    private static byte[] bomb(int mib) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(9))) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < mib; i++) {
                z.write(zeros);
            }
        }
        return out.toByteArray();
    }

    private static JobEnvelope.Builder job(String stream) {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream(stream).client("c1").name("square")
                .function("io.impetus.dist.fixtures.SlowSquares#square").code("0".repeat(64)).args(Json.tree(2));
    }

    private static void publish(Broker b, OutboundMessage.Builder m) throws Exception {
        b.publish(m.build()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void hostileMessagesInEveryQueueAreDeadLetteredOrRefusedAndTheNextRunIsExactlyOnce(@TempDir Path tasks)
            throws Exception {
        try (Cluster cluster = new Cluster("fault-input")) {
            Daemon coordinator = cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            Topology t = cluster.settings.topology();
            Broker b = cluster.broker();
            String stream = "hostile";
            cluster.control().call(new ControlRequest.CreateStream(stream, Map.of()), Object.class);
            String jobs = t.jobsQueue(stream);
            byte[] bomb = bomb(200); // 200 MiB of zeros, about 200 KB on the wire

            List<OutboundMessage.Builder> intoJobs = List.of(
                    OutboundMessage.toQueue(jobs).body("garbage".getBytes()),
                    OutboundMessage.toQueue(jobs).body("{}".getBytes()),
                    OutboundMessage.toQueue(jobs).body("[1,2,3]".getBytes()),
                    OutboundMessage.toQueue(jobs).body(bomb).contentEncoding("deflate"),
                    OutboundMessage.toQueue(jobs).body(Json.write(job(stream).build().startedBy("n", 1)
                            .finished(JobStatus.READY, null))),
                    OutboundMessage.toQueue(jobs).body(Json.write(job(stream).status(JobStatus.PROCESSING).build())),
                    OutboundMessage.toQueue(jobs).body(Json.write(job(stream).id("x".repeat(250)).build())),
                    OutboundMessage.toQueue(jobs).body(Json.write(job(stream).client("not a client").build())),
                    OutboundMessage.toQueue(jobs).body(Json.write(job("elsewhere").build())));
            for (OutboundMessage.Builder m : intoJobs) {
                publish(b, m);
            }
            List<OutboundMessage.Builder> intoDelayed = List.of(
                    OutboundMessage.toQueue(t.delayedQueue()).body("garbage".getBytes()),
                    OutboundMessage.toQueue(t.delayedQueue()).body(bomb).contentEncoding("deflate"),
                    OutboundMessage.toQueue(t.delayedQueue()).body(Json.write(job(stream).delay(1e300).status(JobStatus.DELAYED).build())),
                    OutboundMessage.toQueue(t.delayedQueue()).body(Json.write(job(stream).id("y".repeat(150)).delay(1).status(JobStatus.DELAYED).build())),
                    OutboundMessage.toQueue(t.delayedQueue()).body(Json.write(job("has space").delay(1).status(JobStatus.DELAYED).build())));
            for (OutboundMessage.Builder m : intoDelayed) {
                publish(b, m);
            }
            for (String key : List.of(Topology.STREAM_CREATED, Topology.STREAM_UPDATED, Topology.NODE_HEARTBEAT,
                    Topology.NODE_STOPPED, Topology.SCALER_HEARTBEAT)) {
                publish(b, OutboundMessage.to(t.eventsExchange(), key).body("{}".getBytes()).mandatory(false));
                publish(b, OutboundMessage.to(t.eventsExchange(), key).body("garbage".getBytes()).mandatory(false));
                publish(b, OutboundMessage.to(t.eventsExchange(), key).body(bomb).contentEncoding("deflate").mandatory(false));
            }
            publish(b, OutboundMessage.toQueue(t.controlQueue()).body("no reply wanted".getBytes()));
            publish(b, OutboundMessage.toQueue(t.controlQueue()).body("{}".getBytes()).replyTo(t.jobsQueue(stream)));
            for (byte[] body : List.of("garbage".getBytes(), "{\"type\":\"nope\"}".getBytes(), "null".getBytes(),
                    "{\"type\":\"acquire_permits\",\"stream\":\"hostile\",\"wanted\":-5}".getBytes(),
                    "{\"type\":\"register_bundle\",\"stream\":\"hostile\"}".getBytes())) {
                ControlReply reply = Json.read(b.request(OutboundMessage.toQueue(t.controlQueue()).body(body)
                        .correlationId(UUID.randomUUID().toString()).persistent(false).build(), Duration.ofSeconds(10))
                        .get(15, TimeUnit.SECONDS).body(), ControlReply.class);
                assertThat(reply.ok()).as(new String(body)).isFalse();
                // refused as malformed, or (a state change the installation's key did not sign) as forbidden
                assertThat(reply.error().code().name()).isIn("BAD_REQUEST", "FORBIDDEN");
            }
            ControlReply bombReply = Json.read(b.request(OutboundMessage.toQueue(t.controlQueue()).body(bomb)
                    .contentEncoding("deflate").correlationId(UUID.randomUUID().toString()).persistent(false).build(),
                    Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS).body(), ControlReply.class);
            assertThat(bombReply.error().message()).contains("IMPETUS_MAX_INFLATED_BYTES");

            // every hostile job and delayed job ends in the dead-letter queue, with its reason
            int expectedDead = intoJobs.size() + intoDelayed.size();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    b.inspect(t.deadQueue()).orElseThrow().ready() >= expectedDead);
            assertThat(b.inspect(jobs).orElseThrow().ready()).isZero();
            assertThat(b.inspect(t.delayedQueue()).orElseThrow().ready()).isZero();

            SlowSquares c = client(cluster, tasks, stream, 300);
            c.run();
            assertExactlyOnce(c, 300);
            assertThat(node.isAlive()).isTrue();
            assertThat(coordinator.isAlive()).isTrue();
            assertThat(node.log()).doesNotContain("OutOfMemoryError");
            assertThat(coordinator.log()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void queuesAndExchangesDeletedMidRunComeBackWithinTenSecondsAndNoJobIsLost(@TempDir Path tasks) throws Exception {
        try (Cluster cluster = new Cluster("fault-heal")) {
            cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            Topology t = cluster.settings.topology();
            Broker b = cluster.broker();
            String stream = "heal";
            int count = 4000;
            SlowSquares c = client(cluster, tasks, stream, count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);
            List<String> healed = new ArrayList<>();

            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            b.deleteExchange(t.resultsExchange(stream));
            healed.add("results exchange " + timeToHeal(() -> exchangeExists(cluster, t.resultsExchange(stream))));

            b.deleteExchange(t.eventsExchange());
            healed.add("events exchange " + timeToHeal(() -> exchangeExists(cluster, t.eventsExchange())));

            b.deleteQueue(t.controlQueue(), false);
            healed.add("control queue " + timeToHeal(() -> b.inspect(t.controlQueue()).isPresent()));

            int before = c.received.size();
            b.deleteQueue(t.jobsQueue(stream), false); // with the jobs waiting in it
            healed.add("jobs queue " + timeToHeal(() -> b.inspect(t.jobsQueue(stream)).isPresent()));
            await().atMost(Duration.ofSeconds(30)).until(() -> c.received.size() > before + 100);

            run.get(240, TimeUnit.SECONDS);
            System.out.println("FaultIT healed: " + healed);
            assertExactlyOnce(c, count);
            assertThat(node.isAlive()).isTrue();
            // the coordinator hears nodes again: its events binding is back
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.control().call(new ControlRequest.ListNodes(),
                    NodeStatus[].class).length == 1);
        }
    }

    @Test
    void workersANodeAndTheCoordinatorKilledMidRunLoseNothing(@TempDir Path tasks) throws Exception {
        try (Cluster cluster = new Cluster("fault-kill")) {
            Daemon coordinator = cluster.startCoordinator();
            Daemon node = cluster.startNode(2);
            int count = 3000;
            SlowSquares c = client(cluster, tasks, "kill", count);
            CompletableFuture<?> run = CompletableFuture.runAsync(c::run);

            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 200);
            List<ProcessHandle> workers = ProcessHandle.of(node.pid()).orElseThrow().children().toList();
            assertThat(workers).isNotEmpty();
            workers.forEach(ProcessHandle::destroyForcibly);

            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 800);
            coordinator.kill();
            cluster.startCoordinator();

            await().atMost(Duration.ofSeconds(60)).until(() -> c.received.size() >= 1400);
            node.kill();
            Daemon second = cluster.startReplacementNode(2);

            run.get(240, TimeUnit.SECONDS);
            assertExactlyOnce(c, count);
            assertThat(second.isAlive()).isTrue();
        }
    }

    /** Waits for {@code back}; returns the seconds it took, failing past 10 s. */
    private static String timeToHeal(BooleanSupplier back) {
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(back::getAsBoolean);
        return String.format("%.1f s", (System.nanoTime() - start) / 1e9);
    }

    private static boolean exchangeExists(Cluster cluster, String name) {
        try {
            URI amqp = URI.create(TestBroker.get().amqpUri());
            String[] user = amqp.getRawUserInfo().split(":", 2);
            String vhost = amqp.getRawPath().length() <= 1 ? "/" : amqp.getRawPath().substring(1);
            String base = TestBroker.get().managementUri() != null ? TestBroker.get().managementUri()
                    : "http://" + amqp.getHost() + ":15672";
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/exchanges/"
                    + URLEncoder.encode(vhost, StandardCharsets.UTF_8) + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8)))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user[0] + ":" + user[1]).getBytes(StandardCharsets.UTF_8))).build();
            return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
