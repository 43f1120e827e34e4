package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.ClientOptions;
import io.impetus.client.ForkOptions;
import io.impetus.client.Impetus;
import io.impetus.client.Job;
import io.impetus.client.JobError;
import io.impetus.client.StreamClosedException;
import io.impetus.core.codec.TaskFileLine;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.dist.fixtures.Failing;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Jobs end to end through real coordinator and node processes and the real broker. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EndToEndIT {
    private static Cluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        TestBroker.get();
        cluster = new Cluster("e2e");
        cluster.startCoordinator();
        cluster.startNode(4);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ClientOptions.Builder client(Path taskDir) {
        return ClientOptions.builder().settings(cluster.settings).taskDir(taskDir)
                .out(new PrintStream(new ByteArrayOutputStream(), true));
    }

    @Test
    void aClientSigningWithAnotherKeySaysWhyInOneLineAndExits1(@TempDir Path tasks) throws Exception {
        Map<String, String> env = new HashMap<>(cluster.env);
        env.put(SigningKey.ENV, SigningKey.generate()); // not the installation's
        Daemon hello = Daemon.java(cluster.prefix + "-otherkey", "io.impetus.examples.HelloWorld", env,
                "--taskdir", tasks.toString());
        assertThat(hello.await(60)).as(hello.log()).isEqualTo(1);
        List<String> said = hello.log().lines().filter(l -> l.startsWith("HelloWorld: ")).toList();
        assertThat(said).as(hello.log()).hasSize(1);
        assertThat(said.get(0)).containsIgnoringCase("sign");
        assertThat(hello.log()).as("no stack trace").doesNotContain("\tat ", "Exception in thread");
    }

    @Test
    void helloWorldPrintsTheSeedsTotalsAndWritesDecodableTaskFiles(@TempDir Path tasks) throws Exception {
        Daemon hello = Daemon.java(cluster.prefix + "-helloworld", "io.impetus.examples.HelloWorld", cluster.env,
                "--taskdir", tasks.toString());
        assertThat(hello.await(120)).as(hello.log()).isZero();
        String out = hello.log();
        assertThat(out).contains("My Id: ", "Total: 328350", "Errors: 0", "shutting down", "stage1 completed")
                .contains("thread: start 100/0 -> stage1 0/100 via stage1");

        String id = out.lines().filter(l -> l.startsWith("My Id: ")).findFirst().orElseThrow().substring(7);
        Path dir = tasks.resolve(id);
        assertThat(dir.resolve("start.ok")).exists();
        assertThat(dir.resolve("start.err")).exists();
        assertThat(dir.resolve("stage1.err")).isEmptyFile();
        List<String> lines = Files.readAllLines(dir.resolve("stage1.ok"));
        assertThat(lines).hasSize(100);
        List<Integer> args = new ArrayList<>();
        for (String line : lines) {
            JobEnvelope job = TaskFileLine.decode(line);
            assertThat(job.status()).isEqualTo(JobStatus.READY);
            assertThat(job.name()).isEqualTo("pow");
            assertThat(job.result().asInt()).isEqualTo(job.args().asInt() * job.args().asInt());
            args.add(job.args().asInt());
        }
        assertThat(args).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).boxed().toList());
        assertThat(cluster.control().call(new ControlRequest.GetStream(id), StreamInfo.class).state())
                .as("a client's own stream is closed when it finishes").isEqualTo(StreamInfo.State.CLOSED);
    }

    @Test
    void aJobThatThrowsArrivesInTheNextStagesErrorsWithTheSeedsShape(@TempDir Path tasks) throws Exception {
        Failing client = new Failing(client(tasks).build());
        client.run();

        assertThat(client.ready).hasSize(1);
        assertThat(client.ready.get(0).result(Integer.class)).isEqualTo(25);
        assertThat(client.errors).hasSize(1);
        JobError error = client.errors.get(0).error();
        assertThat(error.error()).contains("ArithmeticException").contains("/ by zero");
        assertThat(error.name()).isEqualTo("divide");
        assertThat(error.lineNumber()).isEqualTo(lineOf("src/test/java/io/impetus/dist/fixtures/Failing.java",
                "// THROWS HERE"));
        assertThat(error.statement()).contains("Failing.divide");
        assertThat(Files.readAllLines(tasks.resolve(client.id()).resolve("collect.err"))).hasSize(1);
    }

    @Test
    void twoClientsForkingIntoOneStreamEachGetExactlyTheirOwnResults(@TempDir Path tasks) throws Exception {
        String stream = TestBroker.uniqueName("shared");
        Squares a = new Squares(client(tasks).stream(stream).build(), 0, 40);
        Squares b = new Squares(client(tasks).stream(stream).build(), 1000, 40);
        CompletableFuture<?> runA = CompletableFuture.runAsync(a::run);
        CompletableFuture<?> runB = CompletableFuture.runAsync(b::run);
        CompletableFuture.allOf(runA, runB).get(150, TimeUnit.SECONDS);

        assertThat(a.received).hasSize(40).allSatisfy(j -> assertThat(j.args(Long.class)).isBetween(0L, 39L));
        assertThat(b.received).hasSize(40).allSatisfy(j -> assertThat(j.args(Long.class)).isBetween(1000L, 1039L));
        try (var files = Files.list(tasks.resolve(a.id()))) {
            List<String> lines = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".ok")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
            assertThat(lines).hasSizeGreaterThanOrEqualTo(40)
                    .allSatisfy(line -> assertThat(TaskFileLine.decode(line).client()).isEqualTo(a.id()));
        }
    }

    @Test
    void thePlainApiCompletesFuturesWithResultsAndErrors() throws Exception {
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            Impetus.Stream stream = impetus.stream(TestBroker.uniqueName("plain"), Map.of("maxAttempts", 2));
            CompletableFuture<Long> nine = stream.fork(Squares::square, 3L);
            CompletableFuture<Integer> boom = stream.fork(Failing::divide, 0);
            assertThat(nine.get(60, TimeUnit.SECONDS)).isEqualTo(9L);
            assertThat(boom).failsWithin(Duration.ofSeconds(60))
                    .withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("/ by zero");
        }
    }

    @Test
    void forkOptionsStreamSendsAnImpetusForkIntoThatStreamAndAClosedStreamFailsTheFork() throws Exception {
        try (Impetus impetus = Impetus.connect(cluster.settings)) {
            String a = TestBroker.uniqueName("plain-a");
            String b = TestBroker.uniqueName("plain-b");
            Impetus.Stream first = impetus.stream(a, Map.of());
            impetus.stream(b, Map.of("maxAttempts", 1));
            assertThat(first.fork(Squares::square, 4L, ForkOptions.stream(b)).get(60, TimeUnit.SECONDS))
                    .isEqualTo(16L);
            Assertions.assertThatThrownBy(() ->
                    first.fork(Squares::square, 4L, ForkOptions.stream("never-opened")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("never-opened");

            // b is closed and, once drained, removed: a fork into it fails, naming the stream
            cluster.control().call(new ControlRequest.CloseStream(b), StreamInfo.class);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    cluster.broker().inspect(cluster.settings.topology().jobsQueue(b)).isEmpty());
            assertThat(first.fork(Squares::square, 5L, ForkOptions.stream(b)))
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(StreamClosedException.class)
                    .withMessageContaining(b);
        }
    }

    static int lineOf(String file, String marker) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return i + 1;
            }
        }
        throw new AssertionError(marker + " not in " + file);
    }
}
