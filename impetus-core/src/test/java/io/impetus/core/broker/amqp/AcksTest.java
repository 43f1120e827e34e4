package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A reject and an ack of later deliveries on the same channel, at the same time: the ack must never
 * go out with {@code multiple} covering the rejected delivery before its reject does (that would ack
 * a job that was to go back to its queue, and the late reject's 406 would close the channel).
 */
class AcksTest {
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch rejecting = new CountDownLatch(1);
    private final CountDownLatch acked = new CountDownLatch(1);

    /** A channel that records basicAck and basicReject; a reject waits a little for an ack to overtake it. */
    private Channel channel() {
        return (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "basicAck" -> {
                            sent.add("ack " + args[0] + (Boolean.TRUE.equals(args[1]) ? " multiple" : ""));
                            acked.countDown();
                        }
                        case "basicReject" -> {
                            rejecting.countDown();
                            acked.await(300, TimeUnit.MILLISECONDS); // an ack that is not held back goes first
                            sent.add("reject " + args[0]);
                        }
                        case "toString" -> {
                            return "recording channel";
                        }
                        default -> {
                        }
                    }
                    return null;
                });
    }

    @Test
    void anAckOfLaterTagsWaitsForTheRejectBeforeIt() throws Exception {
        Acks acks = new Acks(channel(), "q");
        acks.opened(1);
        acks.opened(2);
        acks.opened(3);
        Thread reject = new Thread(() -> acks.reject(1, true, "job-1"));
        reject.start();
        assertThat(rejecting.await(5, TimeUnit.SECONDS)).isTrue();
        Thread ack = new Thread(() -> acks.ack(List.of(2L, 3L)));
        ack.start();
        reject.join(5000);
        ack.join(5000);
        assertThat(sent).containsExactly("reject 1", "ack 3 multiple");
    }

    @Test
    void anOpenEarlierTagKeepsAnAckFromCoveringIt() {
        Acks acks = new Acks(channel(), "q");
        acks.opened(1);
        acks.opened(2);
        acks.opened(3);
        acks.ack(List.of(3L));
        assertThat(sent).containsExactly("ack 3");
    }
}
