package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Broker.sweep} on one connection: looks at a queue's messages in order with
 * {@code basic.get} without ack on a channel of its own, acks those it is told to remove, and
 * closes the channel, which gives the others back in their order. Readers take turns: one sweep of
 * a queue at a time in this process, and across processes the exclusive queue {@code <queue>.reader}
 * (see {@link #readerLock}). A count of a queue being swept here adds what the sweep holds.
 */
final class QueueSweeper {
    private static final Logger log = LoggerFactory.getLogger(QueueSweeper.class);
    /** How long a sweep waits for another reader of the same queue (anywhere) to finish. */
    static final Duration READER_WAIT = Duration.ofSeconds(30);

    /** One queue's readers in this process: their turn, and the messages the current sweep holds. */
    private static final class Reader {
        final Object turn = new Object();
        /** Guarded by the reader itself; changed together with the sweep's channel. */
        long held;
    }

    private final Connection connection;
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();

    QueueSweeper(Connection connection) {
        this.connection = connection;
    }

    /** {@code count} of a queue, with the messages a sweep of this process holds unacknowledged added. */
    Optional<QueueCounts> counted(String queue, Supplier<Optional<QueueCounts>> count) {
        Reader r = readers.get(queue);
        if (r == null) {
            return count.get();
        }
        synchronized (r) {
            long held = r.held;
            return count.get().map(c -> new QueueCounts(c.queue(), c.ready() + held, c.consumers()));
        }
    }

    int sweep(String queue, int max, Predicate<InboundMessage> remove) {
        Reader reader = readers.computeIfAbsent(queue, q -> new Reader());
        synchronized (reader.turn) {
            Channel lock = readerLock(queue);
            try {
                return sweepHolding(queue, max, remove, reader);
            } finally {
                releaseReaderLock(lock, queue);
            }
        }
    }

    /**
     * Waits until no other connection is reading {@code queue} by sweeping it, and holds it: the
     * lock is an exclusive queue {@code <queue>.reader}, which only one connection can declare at a
     * time (a second gets 405 RESOURCE_LOCKED) and which the broker removes with its connection, so a
     * reader that dies never leaves it held. Without it, two readers at once would each see only what
     * the other was not holding unacknowledged at that moment. A user that may not declare the lock
     * reads without it (logged).
     */
    private Channel readerLock(String queue) {
        String name = queue + ".reader";
        long deadline = System.nanoTime() + READER_WAIT.toNanos();
        boolean told = false;
        while (true) {
            Channel ch = readingChannel(queue);
            try {
                ch.queueDeclare(name, false, true, true, Map.of());
                return ch;
            } catch (IOException e) {
                int code = Channels.replyCode(e);
                if (code == 403) {
                    log.info("no permission to declare {}; reading {} without the readers' lock", name, queue);
                    return null;
                }
                if (code != 405) {
                    throw new BrokerException(BrokerException.Kind.PROTOCOL, "cannot take the readers' lock " + name
                            + ": " + Channels.reason(e), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new BrokerException(BrokerException.Kind.TIMEOUT, "another reader has held " + queue + " for over "
                            + READER_WAIT.toSeconds() + " s (" + name + "); try again later", e);
                }
                if (!told) {
                    log.info("another reader is reading {}; waiting for it", queue);
                    told = true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new BrokerException(BrokerException.Kind.TIMEOUT, "interrupted waiting to read " + queue, ie);
                }
            }
        }
    }

    private void releaseReaderLock(Channel lock, String queue) {
        if (lock == null) {
            return;
        }
        try {
            Channel ch = lock.isOpen() ? lock : connection.createChannel();
            ch.queueDelete(queue + ".reader");
            ch.close();
        } catch (Exception e) {
            log.warn("could not release the readers' lock of {} ({}); it goes when this connection closes", queue,
                    e.toString());
        }
    }

    private Channel readingChannel(String queue) {
        try {
            return connection.createChannel();
        } catch (IOException e) {
            throw new BrokerException(BrokerException.Kind.PROTOCOL, "cannot open a channel to read " + queue + ": "
                    + Channels.reason(e), e);
        }
    }

    private int sweepHolding(String queue, int max, Predicate<InboundMessage> remove, Reader holding) {
        Channel ch = readingChannel(queue);
        int removed = 0;
        try {
            for (int i = 0; i < max; i++) {
                GetResponse r;
                synchronized (holding) {
                    r = ch.basicGet(queue, false);
                    if (r != null) {
                        holding.held++;
                    }
                }
                if (r == null) {
                    break;
                }
                if (remove.test(Channels.inbound(r.getEnvelope(), r.getProps(), r.getBody()))) {
                    synchronized (holding) {
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        holding.held--;
                    }
                    removed++;
                }
            }
            return removed;
        } catch (IOException e) {
            throw Channels.failure("cannot read queue " + queue, e);
        } finally {
            synchronized (holding) {
                try {
                    if (ch.isOpen()) {
                        ch.close(); // what was looked at and kept goes back, in its order
                    }
                } catch (Exception e) {
                    log.debug("closing the sweep channel: {}", e.toString());
                }
                holding.held = 0;
            }
        }
    }
}
