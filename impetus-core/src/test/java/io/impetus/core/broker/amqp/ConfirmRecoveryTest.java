package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.error.BrokerException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every publish settles, whatever the channel's sequence numbers do: a channel the client library
 * brought back after a lost connection counts again from 1 (and from 0 until it is in confirm mode
 * again), and a message tracked over another left that one's future never completed — a node's
 * results for a client then waited behind it for ever (issue 22's node cut). And a returned
 * (unroutable) message is the one that failed, not an earlier one to the same queue still waiting
 * for its confirm. Fake channel.
 */
@Timeout(20)
class ConfirmRecoveryTest {
    private final FakeChannel fake = new FakeChannel();

    private ConfirmingPublisher publisher() {
        return new ConfirmingPublisher(fake.connection, Runnable::run, Runnable::run, Clock.systemUTC(),
                new PublishDeadline(Duration.ofSeconds(30), 2), Optional::empty);
    }

    private static OutboundMessage message(String id) {
        return OutboundMessage.toQueue("q").body(new byte[] {1}).messageId(id).mandatory(true).build();
    }

    @Test
    void aChannelWhoseNumbersStartAgainUnderPendingPublishesIsReplacedAndEveryPublishSettles() {
        ConfirmingPublisher publisher = publisher();
        CompletableFuture<Void> first = publisher.publish(message("job-1")); // tracked as 1, not confirmed
        fake.nextSeqNo.set(1); // recovered under it: the next message would be 1 again

        CompletableFuture<Void> second = publisher.publish(message("job-2"));

        assertThat(fake.opened).as("a new channel was opened in place of the recovered one").hasValue(2);
        assertThat(fake.aborts).hasValue(1);
        assertThatThrownBy(first::join).cause().isInstanceOf(BrokerException.class)
                .matches(e -> ((BrokerException) e).kind() == BrokerException.Kind.UNREACHABLE);
        assertThat(fake.published).containsExactly("job-1", "job-2");
        assertThat(second).isNotDone();
        fake.ackAll(1);
        assertThat(second).isCompleted();
    }

    @Test
    void aChannelNotYetInConfirmModeAgainIsReplacedNotTrackedAtZero() {
        ConfirmingPublisher publisher = publisher();
        publisher.publish(message("job-1"));
        fake.nextSeqNo.set(0); // recovered, confirm.select not yet sent again

        CompletableFuture<Void> second = publisher.publish(message("job-2"));
        CompletableFuture<Void> third = publisher.publish(message("job-3"));

        assertThat(fake.opened).hasValue(2);
        assertThat(fake.published).as("nothing written on the channel that is not in confirm mode")
                .containsExactly("job-1", "job-2", "job-3");
        fake.ackAll(2);
        assertThat(second).isCompleted();
        assertThat(third).isCompleted();
    }

    @Test
    void aClosedChannelIsNeverPublishedOnAgainEvenWhenItSaysItIsOpen() {
        ConfirmingPublisher publisher = publisher();
        CompletableFuture<Void> first = publisher.publish(message("job-1"));
        fake.shutDown(); // the connection was lost; the library will recover the channel object
        assertThatThrownBy(first::join).cause().hasMessageContaining("publish not confirmed");

        CompletableFuture<Void> second = publisher.publish(message("job-2"));

        assertThat(fake.opened).as("a fresh channel, in confirm mode before its first message").hasValue(2);
        fake.ackAll(fake.nextSeqNo.get() - 1);
        assertThat(second).isCompleted();
    }

    @Test
    void aReturnedMessageFailsItselfNotAnEarlierOneToTheSameQueueWhoseConfirmComesLater() throws Exception {
        ConfirmingPublisher publisher = publisher();
        CompletableFuture<Void> stored = publisher.publish(message("job-1"));
        CompletableFuture<Void> unroutable = publisher.publish(message("job-2"));

        fake.returnUnroutable("", "q", "job-2"); // job-1 is in a queue that confirms later
        fake.ack(2);
        fake.ack(1);

        assertThat(stored).isCompleted();
        assertThatThrownBy(unroutable::join).cause().isInstanceOf(BrokerException.class)
                .matches(e -> ((BrokerException) e).kind() == BrokerException.Kind.NO_ROUTE);
    }
}
