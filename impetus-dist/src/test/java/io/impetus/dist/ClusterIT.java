package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.Impetus;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.QueueType;
import io.impetus.dist.fixtures.Jobs;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Impetus on a real 3-node RabbitMQ cluster on this machine: the local node joined by two more
 * ({@code .ci/rabbit-cluster up}: rabbit2@localhost on 5673, rabbit3@localhost on 5674). Every
 * process is given all three addresses, rabbit2 first; rabbit2 is stopped mid-run and started
 * again; on a quorum stream every result arrives exactly once.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ClusterIT {
    static final Path SCRIPT = Path.of("..", ".ci", "rabbit-cluster").toAbsolutePath().normalize();
    static final String URIS = "amqp://impetus:impetus@127.0.0.1:5673/impetus,amqp://impetus:impetus@127.0.0.1:5672/impetus,"
            + "amqp://impetus:impetus@127.0.0.1:5674/impetus";
    static final String MANAGEMENT = "http://127.0.0.1:15673,http://127.0.0.1:15672,http://127.0.0.1:15674";

    @BeforeAll
    static void joinTwoMoreNodes() throws Exception {
        String host = URI.create(TestBroker.get().amqpUri()).getHost();
        boolean possible = Set.of("localhost", "127.0.0.1").contains(host) && Files.isExecutable(SCRIPT)
                && Files.isExecutable(Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"));
        if (!possible && "true".equals(System.getenv("IMPETUS_CLUSTER_REQUIRED"))) {
            throw new IllegalStateException("IMPETUS_CLUSTER_REQUIRED=true but a local RabbitMQ cluster cannot be made here");
        }
        Assumptions.assumeTrue(possible, "needs the local broker and its rabbitmq-server to start two more nodes");
        run(SCRIPT.toString(), "up");
    }

    @AfterAll
    static void takeThemOut() throws Exception {
        if (Files.isExecutable(SCRIPT)) {
            run(SCRIPT.toString(), "down");
        }
    }

    @Test
    void aQuorumStreamDeliversEveryResultOnceWhileTheBrokerNodeInUseStopsAndStarts(@TempDir Path tasks)
            throws Exception {
        try (Cluster cluster = new Cluster("cluster", URIS, MANAGEMENT)) {
            cluster.startCoordinator("--default-queue-type", "quorum");
            cluster.startNode(2);
            cluster.startNode(2);
            throughput(cluster);

            Squares client = new Squares(ClientOptions.builder().settings(cluster.settings).taskDir(tasks)
                    .out(new PrintStream(new ByteArrayOutputStream(), true)).build(), 0, 2000);
            CompletableFuture<?> run = CompletableFuture.runAsync(client::run);
            await().atMost(Duration.ofSeconds(120)).until(() -> client.received.size() >= 300);
            long atFault = client.received.size();
            long inFlight = 0;
            for (StreamInfo s : cluster.control().call(new ControlRequest.ListStreams(false), StreamInfo[].class)) {
                if (s.properties().queueTypeOrClassic() == QueueType.QUORUM) {
                    for (String q : cluster.settings.topology().jobsQueues(s.id(), s.properties())) {
                        inFlight += cluster.broker().inspect(q).map(QueueCounts::ready).orElse(0L);
                    }
                }
            }
            run("rabbitmqctl", "-n", "rabbit2@localhost", "stop_app");
            Thread.sleep(5000);
            run("rabbitmqctl", "-n", "rabbit2@localhost", "start_app");
            System.out.printf("cluster: rabbit2 (every process's first address) stopped for 5 s after %d of 2000"
                    + " results, %d jobs waiting in the stream's band queues%n", atFault, inFlight);

            run.get(400, TimeUnit.SECONDS);
            assertThat(client.received).hasSize(2000);
            assertThat(client.received.stream().map(j -> j.id()).distinct()).hasSize(2000);
            assertThat(client.received).allSatisfy(j ->
                    assertThat(j.result(Long.class)).isEqualTo(j.args(Long.class) * j.args(Long.class)));
            assertThat(Files.readAllLines(tasks.resolve(client.id()).resolve("results.ok"))).hasSize(2000);
        }
    }

    /** Jobs per second on a classic and on a quorum stream of this cluster, one after the other; printed, not asserted. */
    private static void throughput(Cluster cluster) throws Exception {
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            for (String type : List.of("classic", "quorum", "classic", "quorum")) {
                Impetus.Stream stream = impetus.stream("speed-" + type, Map.of("queueType", type));
                stream.fork(Jobs::echo, "warm").get(60, TimeUnit.SECONDS);
                int n = 1000;
                long start = System.nanoTime();
                List<CompletableFuture<String>> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    all.add(stream.fork(Jobs::echo, "x" + i));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
                System.out.printf("cluster throughput: %s stream, %d jobs, %.0f jobs/s%n", type, n,
                        n / ((System.nanoTime() - start) / 1e9));
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        System.out.print(out);
    }
}
