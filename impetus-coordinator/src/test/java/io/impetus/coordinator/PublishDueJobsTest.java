package io.impetus.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.coordinator.delay.DelayedJobs;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import io.impetus.testkit.fake.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PublishDueJobs: due delayed jobs go out only while this coordinator is the active one (fake broker, H2, settable clock). */
class PublishDueJobsTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final SettableClock clock = new SettableClock();

    @Test
    void aStandbyPublishesNoDueJobAndTheActiveOnePublishesItOnce(@TempDir Path dir) {
        try (CoordinatorStore store = CoordinatorStore.open(null, dir, CoordinatorStore.DEFAULT_SCOPE, clock)) {
            TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
            declarer.declareShared();
            declarer.declareStream("s", StreamProperties.DEFAULTS);
            store.saveStream(new StreamInfo("s", StreamProperties.fromMap(Map.of()), StreamInfo.State.OPEN, clock.instant(),
                    null));
            DelayedJobs delayed = new DelayedJobs(store, broker, topology, clock, (task, ms) -> { });
            JobEnvelope job = JobEnvelope.builder().id("j1").stream("s").client("c").name("f").function("a.B#f")
                    .code("0".repeat(64)).delay(1).status(JobStatus.DELAYED).build();
            delayed.hold(new FakeDelivery(FakeBroker.message(Json.write(job), null, job.id())));
            AtomicBoolean active = new AtomicBoolean();
            PublishDueJobs publish = new PublishDueJobs(delayed, active::get, new DueWatch(Lease.monotonic(clock)));

            clock.advance(Duration.ofSeconds(2)); // due
            assertThat(publish.runOnce()).isZero();
            assertThat(broker.publishedTo("")).isEmpty();
            active.set(true);
            assertThat(publish.runOnce()).isEqualTo(1);
            assertThat(broker.publishedTo("")).extracting(m -> m.messageId()).containsExactly("j1");
            assertThat(publish.runOnce()).as("confirmed and released").isZero();
        }
    }
}
