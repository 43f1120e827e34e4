package io.impetus.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.job.JobEnvelope;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeDelivery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client run that stops half-way (its stage throws) and is run again with its id, on fake
 * brokers: the rerun resumes — nothing is sent twice, every result reaches the stage once, the
 * task file has one line a job.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientRerunTest {
    static final int JOBS = 40;
    static final List<String> HANDLED = new CopyOnWriteArrayList<>();
    static volatile int failBeyond = Integer.MAX_VALUE;
    /** Counted down once the fake node of run 1 has answered all it answers: the stage fails only after that. */
    static volatile CountDownLatch answered = new CountDownLatch(0);

    @TempDir
    Path tasks;

    /** Forks JOBS jobs; its stage records each result, and throws (recording none of the batch) past failBeyond. */
    static final class Forty extends Client {
        Forty(ClientOptions options) {
            super(options);
        }

        public static Long echo(Long x) {
            return x;
        }

        @Startup
        void start() {
            for (long i = 0; i < JOBS; i++) {
                fork(Forty::echo, i);
            }
        }

        @Process
        void handled(List<Job> ready, List<Job> errors) {
            if (HANDLED.size() + ready.size() + errors.size() > failBeyond) {
                try { // every answer of run 1 reaches this client before it fails (else it closes with some unsent)
                    answered.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("this stage fails on purpose");
            }
            ready.forEach(j -> HANDLED.add(j.id()));
            errors.forEach(j -> HANDLED.add(j.id()));
        }
    }

    private Forty client(FakeInstallation fake) {
        return new Forty(ClientOptions.builder().settings(fake.settings).clientId("rerun1").taskDir(tasks)
                .signingKey(null).progressInterval(Duration.ofMillis(50))
                .out(new PrintStream(new ByteArrayOutputStream())).build());
    }

    @Test
    void aRerunWithTheSameIdResumesInsteadOfRepeating() throws Exception {
        HANDLED.clear();
        failBeyond = 20;
        answered = new CountDownLatch(1);

        // run 1: all 40 sent; 30 answered; the stage takes 20 and throws on the batch after
        FakeInstallation first = new FakeInstallation();
        Thread node1 = new Thread(() -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> first.jobsSent().size() == JOBS);
            first.jobsSent().subList(0, 30).forEach(first::answer);
            answered.countDown();
        });
        node1.start();
        assertThatThrownBy(() -> client(first).run(first.broker)).isInstanceOf(ClientFailedException.class)
                .hasMessageContaining("fails on purpose");
        node1.join();
        assertThat(HANDLED.size()).isLessThanOrEqualTo(20);
        Set<String> notAcked = new HashSet<>();
        for (FakeDelivery d : first.broker.deliveries()) {
            if (d.state() != FakeDelivery.State.ACKED) {
                notAcked.add(d.message().messageId());
            }
        }
        assertThat(notAcked).hasSize(30 - HANDLED.size()); // what the stage did not finish goes back to the queue

        // run 2, same id and task folder: the queue holds what run 1 did not ack, and the 10 results still to come
        failBeyond = Integer.MAX_VALUE;
        FakeInstallation second = new FakeInstallation();
        // the broker kept the stream and the client's results queue
        new TopologyDeclarer(second.broker, second.topology).declareStream("rerun1", StreamProperties.DEFAULTS);
        new TopologyDeclarer(second.broker, second.topology).declareResults("rerun1", "rerun1", QueueType.CLASSIC);
        AtomicBoolean stop = new AtomicBoolean();
        Thread node2 = new Thread(() -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> second.consuming("rerun1", "rerun1"));
            for (JobEnvelope job : first.jobsSent()) {
                if (notAcked.contains(job.id()) || first.jobsSent().indexOf(job) >= 30) {
                    second.answer(job);
                }
            }
            int answered = 0;
            while (!stop.get()) { // and whatever run 2 sends (nothing, if it resumes)
                List<JobEnvelope> sent = second.jobsSent();
                sent.subList(answered, sent.size()).forEach(second::answer);
                answered = sent.size();
                Thread.onSpinWait();
            }
        });
        node2.start();
        Progress progress = client(second).run(second.broker);
        stop.set(true);
        node2.join();

        assertThat(second.jobsSent()).as("jobs sent again by the rerun").isEmpty();
        assertThat(HANDLED).as("results the stage got across both runs").hasSize(JOBS).doesNotHaveDuplicates();
        assertThat(Files.readAllLines(tasks.resolve("rerun1").resolve("handled.ok"))).hasSize(JOBS);
        assertThat(progress.failed()).isFalse();
    }
}
