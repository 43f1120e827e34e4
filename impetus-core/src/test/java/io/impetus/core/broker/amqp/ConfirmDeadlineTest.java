package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.error.BrokerException;
import io.impetus.core.loop.ManualClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A publish whose confirm never comes, or is a nack, is sent again under its id and then fails with
 * {@code TIMEOUT}; a write the broker does not read (an alarm) blocks no caller and stops no
 * deadline, for publishes and for requests alike. Fake channel, a clock the test moves.
 */
@Timeout(20)
class ConfirmDeadlineTest {
    private static final PublishDeadline DEADLINE = new PublishDeadline(Duration.ofSeconds(30), 2);

    private final FakeChannel fake = new FakeChannel();
    private final ManualClock clock = new ManualClock();
    private volatile String blocked;

    private ConfirmingPublisher publisher(Executor sender) {
        return new ConfirmingPublisher(fake.connection, sender, Runnable::run, clock, DEADLINE,
                () -> Optional.ofNullable(blocked));
    }

    private static OutboundMessage message(String id) {
        return OutboundMessage.toQueue("q").body(new byte[] {1}).messageId(id).build();
    }

    @Test
    void aPublishNeverConfirmedIsSentAgainUnderItsIdThenFailsWithTimeout() {
        ConfirmingPublisher publisher = publisher(Runnable::run);
        CompletableFuture<Void> f = publisher.publish(message("job-1"));
        assertThat(fake.published).containsExactly("job-1");

        clock.advance(Duration.ofSeconds(29));
        publisher.expireOverdue();
        assertThat(fake.published).as("not yet due").hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        publisher.expireOverdue();
        assertThat(fake.published).containsExactly("job-1", "job-1");
        clock.advance(Duration.ofSeconds(30));
        publisher.expireOverdue();
        assertThat(fake.published).hasSize(3);
        assertThat(f).isNotDone();
        clock.advance(Duration.ofSeconds(30));
        publisher.expireOverdue();

        assertThat(fake.published).as("resends are bounded").hasSize(3);
        assertThatThrownBy(f::get).cause().isInstanceOf(BrokerException.class)
                .hasMessageContaining("queue 'q' (id job-1) was not stored by RabbitMQ: no confirm within 30000 ms, sent 3")
                .matches(e -> ((BrokerException) e).kind() == BrokerException.Kind.TIMEOUT);
    }

    @Test
    void aLateConfirmOfAnEarlierSendIsIgnoredAndTheResendsConfirmCompletes() throws Exception {
        ConfirmingPublisher publisher = publisher(Runnable::run);
        CompletableFuture<Void> f = publisher.publish(message("job-1"));
        clock.advance(Duration.ofSeconds(30));
        publisher.expireOverdue();
        fake.ack(1);
        assertThat(f).isNotDone();
        fake.ack(2);
        assertThat(f).isCompleted();
    }

    @Test
    void aNackedPublishIsSentAgainAndCompletesWithTheNextConfirm() throws Exception {
        ConfirmingPublisher publisher = publisher(Runnable::run);
        CompletableFuture<Void> f = publisher.publish(message("job-1"));
        fake.nack(1);
        assertThat(fake.published).containsExactly("job-1", "job-1");
        assertThat(f).isNotDone();
        fake.ack(2);
        assertThat(f).isCompleted();
    }

    @Test
    void aPublishPastItsDeadlineWhileTheBrokerBlocksTheConnectionFailsAtOnceSayingWhy() {
        ConfirmingPublisher publisher = publisher(Runnable::run);
        CompletableFuture<Void> f = publisher.publish(message("job-1"));
        blocked = "low on memory";
        clock.advance(Duration.ofSeconds(30));
        publisher.expireOverdue();
        assertThat(fake.published).as("not piled up in a connection the broker does not read").hasSize(1);
        assertThatThrownBy(f::get).cause().hasMessageContaining("RabbitMQ blocks this connection (low on memory)");
    }

    @Test
    void aWriteTheBrokerDoesNotReadStallsOnlyItsWriterNeverTheCallersAfterItNorTheirDeadlines() throws Exception {
        ExecutorService sender = Executors.newSingleThreadExecutor();
        ExecutorService stuckCaller = Executors.newSingleThreadExecutor();
        fake.hold = new CountDownLatch(1);
        try {
            ConfirmingPublisher publisher = publisher(sender);
            stuckCaller.execute(() -> publisher.publish(message("job-1"))); // writes itself, and is stuck in it
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.published.size() == 1);
            CompletableFuture<Void> second = publisher.publish(message("job-2")); // returns: queued, not waiting
            clock.advance(Duration.ofSeconds(30));
            publisher.expireOverdue();
            assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).cause()
                    .hasMessageContaining("(id job-2) was not stored by RabbitMQ: could not be written to the connection"
                            + " within 30000 ms");
        } finally {
            fake.hold.countDown();
            sender.shutdownNow();
            stuckCaller.shutdownNow();
        }
    }

    @Test
    void whileTheBrokerBlocksTheConnectionNoCallerWritesItself() throws Exception {
        ExecutorService sender = Executors.newSingleThreadExecutor();
        fake.hold = new CountDownLatch(1);
        blocked = "low on memory";
        try {
            ConfirmingPublisher publisher = publisher(sender);
            publisher.publish(message("job-1")); // handed to the sending thread, which is stuck in the write
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.published.size() == 1);
            assertThat(publisher.publish(message("job-2"))).as("the caller came back").isNotDone();
        } finally {
            fake.hold.countDown();
            sender.shutdownNow();
        }
    }

    @Test
    void aRequestsTimeoutRunsFromTheCallEvenWhileItsPublishIsStuck() throws Exception {
        ExecutorService sender = Executors.newSingleThreadExecutor();
        fake.hold = new CountDownLatch(1);
        try {
            DirectReplyRpc rpc = new DirectReplyRpc(fake.channel, sender);
            CompletableFuture<?> reply = rpc.call(OutboundMessage.toQueue("control").body(new byte[] {1})
                    .correlationId("c1").build(), Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(5)).until(() -> fake.published.size() == 1); // stuck in its write
            assertThatThrownBy(() -> reply.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TimeoutException.class);
        } finally {
            fake.hold.countDown();
            sender.shutdownNow();
        }
    }
}
