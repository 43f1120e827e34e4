package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.security.SigningKey;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signing key rotated, step by step with 'impetus keygen', while a client forks: a coordinator,
 * two nodes and the client all read one key file, none is restarted, and every job's result arrives.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KeyRotationIT {
    /** Each process reads its key file again within a second; this leaves room for a loaded machine. */
    private static final Duration STEP_PAUSE = Duration.ofSeconds(4);

    @Test
    void aKeyIsRotatedWhileAClientRunsAndNoJobIsLost(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("signing.key");
        try (Cluster cluster = new Cluster("rotation")) {
            assertThat(keygen(cluster, keys.toString()).await(60)).isZero();
            String first = SigningKey.fromFile(keys).keyId();
            cluster.env.remove(SigningKey.ENV);
            cluster.env.put(SigningKey.ENV_FILE, keys.toString());
            cluster.startCoordinator();
            cluster.startNode(2);
            cluster.startNode(2);
            SigningKey clientKeys = SigningKey.fromFile(keys);
            List<CompletableFuture<Long>> results = new CopyOnWriteArrayList<>();
            AtomicBoolean forking = new AtomicBoolean(true);
            try (Impetus impetus = Impetus.connect(cluster.settings, TestBroker.uniqueName("rotating"), clientKeys)) {
                Impetus.Stream stream = impetus.stream("rotation", Map.of());
                Thread forker = new Thread(() -> {
                    for (long i = 0; forking.get(); i++) {
                        results.add(stream.fork(Squares::square, i));
                        await().pollDelay(Duration.ofMillis(40)).until(() -> true);
                    }
                }, "forker");
                forker.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> results.stream().filter(CompletableFuture::isDone).count() >= 20);
                for (String step : List.of("--rotate", "--promote", "--retire")) {
                    assertThat(keygen(cluster, step, keys.toString()).await(60)).as(step).isZero();
                    await().pollDelay(STEP_PAUSE).atMost(STEP_PAUSE.plusSeconds(1)).until(() -> true);
                }
                String second = SigningKey.fromFile(keys).keyId();
                assertThat(second).isNotEqualTo(first);
                await().atMost(Duration.ofSeconds(30)).until(() -> clientKeys.keyId().equals(second));
                int afterRetire = results.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= afterRetire + 20);
                forking.set(false);
                forker.join(10_000);
                CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                for (int i = 0; i < results.size(); i++) {
                    assertThat(results.get(i).get()).as("job " + i).isEqualTo((long) i * i);
                }
                System.out.printf("KeyRotationIT: %d of %d jobs answered across rotate/promote/retire (%s -> %s)%n",
                        results.size(), results.size(), first, second);
                assertThat(clientKeys.acceptedKeyIds()).containsExactly(second);
            }
        }
    }

    private static Daemon keygen(Cluster cluster, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "keygen";
        System.arraycopy(args, 0, all, 1, args.length);
        return Daemon.impetus(cluster.prefix + "-keygen-" + System.nanoTime(), Map.of(), all);
    }
}
