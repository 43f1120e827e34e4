package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.FakeInstallation;
import io.impetus.client.ForkOptions;
import io.impetus.client.JobFunction;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.topology.Topology;
import io.impetus.core.stream.QueueType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a client leaves behind: results queues that expire, and no meters of streams it is done with. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ResultsQueueLeaksTest {
    private final FakeInstallation fake = new FakeInstallation();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ClientSession session;

    public static Long echo(Long x) {
        return x;
    }

    private ClientSession open(Duration expiry) {
        session = new ClientSession(new SessionOptions(fake.settings, "c1", Map.of(), Clock.systemUTC(), null, 100,
                registry, null, expiry), fake.broker);
        return session;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void aNewResultsQueueExpiresAfterTheChosenTimeUnused() {
        open(Duration.ofDays(7)).openStream("s", Map.of(), new FutureResults());
        assertThat(fake.arguments(fake.topology.resultsQueue("s", "c1"))).containsEntry("x-expires", 604_800_000L);
        session.close();

        open(Duration.ZERO).openStream("t", Map.of(), new FutureResults());
        assertThat(fake.arguments(fake.topology.resultsQueue("t", "c1"))).doesNotContainKey("x-expires");
    }

    @Test
    void aResultsQueueMadeWithoutExpiryIsUsedAsItIsNotRefused() {
        String queue = fake.topology.resultsQueue("s", "c1");
        fake.broker.declareQueue(QueueSpec.durable(queue, Topology.resultsQueueArguments(QueueType.CLASSIC)));

        open(Duration.ofDays(7)).openStream("s", Map.of(), new FutureResults());
        session.openStream("s", Map.of(), new FutureResults()); // and again: no refused declare on the way

        assertThat(fake.consuming("s", "c1")).isTrue();
        assertThat(fake.arguments(queue)).doesNotContainKey("x-expires");
    }

    @Test
    void aClosedStreamsMetersAreRemoved() throws Exception {
        open(Duration.ofDays(7));
        FutureResults futures = new FutureResults();
        session.openStream("s", Map.of(), futures);
        FunctionRef ref = FunctionRef.of((JobFunction<Long, Long>) ResultsQueueLeaksTest::echo);
        session.fork(ForkRequest.of("s", ref, 1L, ForkOptions.DEFAULTS, "result", null), j -> futures.expect(j.id(), ref));
        fake.answer(fake.jobsSent().get(0));
        assertThat(registry.find("impetus.client.jobs.forked").tag("stream", "s").counter()).isNotNull();
        assertThat(registry.find("impetus.client.results").tag("stream", "s").counter()).isNotNull();

        session.closeStream("s");

        assertThat(registry.find("impetus.client.jobs.forked").tag("stream", "s").counter()).isNull();
        assertThat(registry.find("impetus.client.results").tag("stream", "s").counter()).isNull();
    }
}
