package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    private static void rabbitmqctl(String command) throws Exception {
        Process p = new ProcessBuilder(List.of("rabbitmqctl", command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
