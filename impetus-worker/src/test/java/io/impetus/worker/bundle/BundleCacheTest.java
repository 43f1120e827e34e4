package io.impetus.worker.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.bundle.CodeBundle;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.BundleData;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCacheTest {
    private final CodeBundle bundle = CodeBundle.of(Map.of("p/Job.class", new byte[] {1, 2, 3}));

    @Test
    void aFetchThatFailsAtOnceIsForgottenSoTheNextJobAsksAgain(@TempDir Path dir) throws Exception {
        FakeBroker broker = new FakeBroker();
        AtomicInteger asked = new AtomicInteger();
        broker.onControl(r -> {
            if (asked.incrementAndGet() == 1) {
                throw new BrokerException(BrokerException.Kind.UNREACHABLE, "connection lost", null);
            }
            return new BundleData(((ControlRequest.FetchBundle) r).bundleId(), bundle.toZip());
        });
        BundleCache cache = new BundleCache(dir, new ControlClient(broker, new Topology("t"), Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)));
        assertThat(cache.path(bundle.id())).failsWithin(Duration.ofSeconds(5));
        Path file = cache.path(bundle.id()).get(5, TimeUnit.SECONDS);
        assertThat(file).exists();
        assertThat(asked).hasValue(2);
        assertThat(cache.path(bundle.id()).get(5, TimeUnit.SECONDS)).isEqualTo(file);
        assertThat(asked).hasValue(2);
    }

    @Test
    void contentThatDoesNotHashToItsIdIsNeverCached(@TempDir Path dir) {
        FakeBroker broker = new FakeBroker();
        CodeBundle other = CodeBundle.of(Map.of("p/Other.class", new byte[] {9}));
        broker.onControl(r -> new BundleData(bundle.id(), other.toZip()));
        BundleCache cache = new BundleCache(dir, new ControlClient(broker, new Topology("t"), Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)));
        assertThat(cache.path(bundle.id())).failsWithin(Duration.ofSeconds(5));
        assertThat(dir.resolve(bundle.id() + ".zip")).doesNotExist();
    }

    @Test
    void aTamperedCachedBundleIsRefusedAndFetchedAgain(@TempDir Path dir) throws Exception {
        FakeBroker broker = new FakeBroker();
        AtomicInteger asked = new AtomicInteger();
        broker.onControl(r -> {
            asked.incrementAndGet();
            return new BundleData(bundle.id(), bundle.toZip());
        });
        Path file = dir.resolve(bundle.id() + ".zip");
        Files.write(file, CodeBundle.of(Map.of("p/Evil.class", new byte[] {6, 6, 6})).toZip());
        BundleCache cache = new BundleCache(dir, new ControlClient(broker, new Topology("t"), Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)));
        Path got = cache.path(bundle.id()).get(5, TimeUnit.SECONDS);
        assertThat(asked).hasValue(1);
        assertThat(CodeBundle.fromZip(Files.readAllBytes(got), bundle.id())).isEqualTo(bundle);
    }

    @Test
    void aBundleThatCannotBeWrittenFailsRetryablyWithTheReasonAndLeavesNothingBehind(@TempDir Path root) throws Exception {
        FakeBroker broker = new FakeBroker();
        AtomicInteger asked = new AtomicInteger();
        broker.onControl(r -> {
            asked.incrementAndGet();
            return new BundleData(bundle.id(), bundle.toZip());
        });
        Path notAFolder = root.resolve("cache");
        Files.writeString(notAFolder, "a file where the cache folder should be");
        BundleCache cache = new BundleCache(notAFolder, new ControlClient(broker, new Topology("t"), Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)));
        CompletableFuture<Path> fetched = cache.path(bundle.id());
        assertThat(fetched).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(ImpetusException.class, e -> {
                    assertThat(e.retryable()).as("a full or broken disk passes: the job goes back to its queue").isTrue();
                    assertThat(e.getMessage()).startsWith("cannot cache code bundle " + bundle.id().substring(0, 12));
                });
        try (var left = Files.list(root)) {
            assertThat(left).containsExactly(notAFolder);
        }
        assertThat(cache.path(bundle.id())).as("asked again at once: failed at once, without fetching the bundle again")
                .isCompletedExceptionally();
        assertThat(asked).hasValue(1);
    }
}
