package io.impetus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.client.StreamClosedException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.loop.Timer;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.core.rpc.ControlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.awaitility.Awaitility.await;

/** Sending jobs on a fake broker: lost queues come back with their jobs, closed streams fail the fork. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class JobSenderTest {
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
    private final List<RuntimeException> failed = new CopyOnWriteArrayList<>();
    private final AtomicReference<StreamInfo.State> state = new AtomicReference<>(StreamInfo.State.OPEN);
    private final JobSender sender;

    JobSenderTest() {
        broker.onControl(r -> new StreamInfo("s", StreamProperties.fromMap(Map.of()), state.get(), Instant.EPOCH, null));
        sender = new JobSender(broker, topology, new ControlClient(broker, topology, Duration.ofSeconds(1), SigningKey.configured(System.getenv(), System::getProperty)), Timer.dropping(retries),
                "c", (job, why) -> failed.add(why));
    }

    @AfterEach
    void stop() {
        retries.shutdownNow();
    }

    private static JobEnvelope job() {
        return JobEnvelope.builder().id(UUID.randomUUID().toString()).stream("s").client("c").name("f")
                .function("a.B#f").code("0".repeat(64)).build();
    }

    private long sentTo(String queue) {
        return broker.publishedTo("").stream().filter(m -> m.routingKey().equals(queue)).count();
    }

    @Test
    void aDeletedJobsQueueOfAnOpenStreamIsDeclaredAgainAndEveryOutstandingJobSentAgain() {
        String queue = topology.jobsQueue("s");
        new TopologyDeclarer(broker, topology).declareStream("s", StreamProperties.DEFAULTS);
        sender.send(job());
        sender.send(job());
        assertThat(sentTo(queue)).isEqualTo(2);
        broker.deleteQueue(queue, false); // the operator deletes it, with both jobs in it
        sender.send(job());
        await().atMost(Duration.ofSeconds(5)).until(() -> sentTo(queue) == 5);
        assertThat(broker.hasQueue(queue)).isTrue();
        assertThat(failed).isEmpty();
    }

    @Test
    void thePeriodicCheckFindsAQueueDeletedWhileNothingIsSent() {
        String queue = topology.jobsQueue("s");
        new TopologyDeclarer(broker, topology).declareStream("s", StreamProperties.DEFAULTS);
        JobEnvelope j = job();
        sender.send(j);
        broker.deleteQueue(queue, false);
        sender.check();
        assertThat(broker.hasQueue(queue)).isTrue();
        assertThat(sentTo(queue)).isEqualTo(2);
        assertThat(broker.publishedTo("").stream().map(m -> m.headers().get(Topology.RESEND_HEADER)))
                .as("only the job sent again is marked as a resend").containsExactly(null, "1");
        sender.done(j.id());
        broker.deleteQueue(queue, false);
        sender.check(); // nothing outstanding: nothing to do
        assertThat(broker.hasQueue(queue)).isFalse();
    }

    @Test
    void aJobForAClosedAndRemovedStreamFailsWithStreamClosedException() {
        state.set(StreamInfo.State.CLOSED);
        sender.send(job());
        await().atMost(Duration.ofSeconds(5)).until(() -> !failed.isEmpty());
        assertThat(failed.get(0)).isInstanceOf(StreamClosedException.class).hasMessageContaining("'s'");
        assertThat(broker.hasQueue(topology.jobsQueue("s"))).isFalse();
    }
}
