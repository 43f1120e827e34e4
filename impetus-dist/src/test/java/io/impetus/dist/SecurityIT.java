package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.topology.Topology;
import io.impetus.dist.fixtures.Snoop;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import io.impetus.testkit.TestKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What job code and other local users can see of a node's secrets. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecurityIT {

    @Test
    void aNodeStartedWithAPasswordShowsItNowhereAJobOrPsCanRead(@TempDir Path dir) throws Exception {
        URI test = URI.create(TestBroker.get().amqpUri());
        Assumptions.assumeTrue(Set.of("localhost", "127.0.0.1").contains(test.getHost())
                && Files.isExecutable(Path.of("/usr/sbin/rabbitmqctl")), "needs the local broker and rabbitmqctl");
        String user = TestBroker.uniqueName("it-secret");
        String password = "pw-" + UUID.randomUUID();
        String vhost = test.getRawPath() == null || test.getRawPath().length() <= 1 ? "/" : test.getRawPath().substring(1);
        rabbitmqctl("add_user", user, password);
        rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*");
        try (Cluster cluster = new Cluster("secret")) {
            cluster.startCoordinator();
            String uri = "amqp://" + test.getHost() + ":" + test.getPort() + test.getRawPath();
            Map<String, String> env = new HashMap<>(cluster.env);
            env.remove("IMPETUS_RABBITMQ_URI");
            Path run = dir.resolve("run");
            Daemon start = Daemon.impetus(cluster.prefix + "-node-start", env, "node", "start", "--uri", uri, "--user", user, "-a", password, "-m", "1",
                    "-i", run.toString(), "-l", dir.resolve("log").toString());
            assertThat(start.await(90)).as(start.log()).isZero();
            long pid = Long.parseLong(Files.readString(run.resolve("Node.pid")).trim());
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> cluster.control().call(
                        new ControlRequest.ListNodes(), NodeStatus[].class).length == 1);
                // what ps and /proc show of the node
                assertThat(read("/proc/" + pid + "/cmdline")).doesNotContain(password);
                assertThat(read("/proc/" + pid + "/environ")).doesNotContain(password);
                assertThat(Files.list(run).map(p -> p.getFileName().toString())).as("the secrets file is gone")
                        .noneMatch(n -> n.endsWith(".secrets"));
                assertThat(perms(run)).isEqualTo("rwx------");
                assertThat(perms(dir.resolve("log"))).isEqualTo("rwx------");
                assertThat(perms(dir.resolve("log").resolve("Node.err"))).isEqualTo("rw-------");

                try (Impetus impetus = Impetus.connect(cluster.settings)) {
                    List<String> found = impetus.stream("snoop", Map.of()).fork(Snoop::look, password)
                            .get(90, TimeUnit.SECONDS);
                    assertThat(found).as("where a job found the broker password").hasSize(1);
                }
            } finally {
                Daemon stop = Daemon.impetus(cluster.prefix + "-node-stop", env, "node", "stop", "-i", run.toString());
                stop.await(90);
            }
        } finally {
            rabbitmqctl("delete_user", user);
        }
    }

    private static void rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void aForgedJobNeverRunsAndAForgedResultNeverReachesTheFuture() throws Exception {
        keyText = TestKeys.signingKey(); // the installation's key: coordinator, node and client
        io.impetus.core.security.SigningKey key = io.impetus.core.security.SigningKey.parse(keyText, "test");
        try (Cluster cluster = new Cluster("forgery")) {
            cluster.startCoordinator();
            Topology t = cluster.settings.topology();
            Broker thief = cluster.broker(); // holds only the broker login
            List<InboundMessage> dead = new CopyOnWriteArrayList<>();
            try (Impetus impetus = Impetus.connect(cluster.settings, TestBroker.uniqueName("signer"), key);
                 Subscription deadLetters = thief.consume(t.deadQueue(), 10, d -> {
                     dead.add(d.message());
                     d.ack();
                 })) {
                CompletableFuture<Long> nine = impetus.stream("signed", Map.of())
                        .fork(Squares::square, 3L);
                // no node yet: the job waits in its queue, where the thief takes it
                CompletableFuture<JobEnvelope> taken = new CompletableFuture<>();
                Subscription take = thief.consume(t.jobsQueue("signed"), 1, d -> {
                    taken.complete(Json.read(WireCodec.standard()
                            .decode(d.message().body(), d.message().contentEncoding()), JobEnvelope.class));
                    d.ack();
                });
                JobEnvelope original = taken.get(30, TimeUnit.SECONDS);
                take.close();
                JobEnvelope forged = new JobEnvelope(original.id(), original.stream(),
                        original.client(), original.name(), Json.tree(4L), original.code(),
                        original.callback(), original.priority(), original.delay(), original.created(), original.status(),
                        null, null, null, 0, null, original.function(), original.signature());
                JobEnvelope forgedResult = original.startedBy("evil", 1)
                        .finished(JobStatus.READY, Json.tree(999L));
                thief.publish(OutboundMessage.to(t.resultsExchange("signed"), original.client())
                        .body(Json.write(forgedResult)).build()).get(10, TimeUnit.SECONDS);
                thief.publish(OutboundMessage.toQueue(t.jobsQueue("signed"))
                        .body(Json.write(forged)).messageId(forged.id()).build()).get(10, TimeUnit.SECONDS);
                thief.publish(OutboundMessage.toQueue(t.jobsQueue("signed"))
                        .body(Json.write(original)).messageId(original.id()).build()).get(10, TimeUnit.SECONDS);

                cluster.startNode(1, Map.of(io.impetus.core.security.SigningKey.ENV, keyText));
                assertThat(nine.get(90, TimeUnit.SECONDS)).as("the original ran; the forged result was dropped").isEqualTo(9L);
                await().atMost(Duration.ofSeconds(30)).until(() -> dead.stream().anyMatch(m ->
                        String.valueOf(m.header(Topology.REASON_HEADER)).startsWith("signature")));
            }
        }
    }

    /** The base64 text of the key made in the test (a SigningKey never shows itself). */
    private static String keyText;

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String read(String file) throws Exception {
        return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
    }
}
