package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.PublishDeadline;
import io.impetus.core.error.BrokerException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes on one channel in confirm mode, with {@code mandatory} where the message asks for it.
 * {@link #publish} never waits for another caller's write: it writes the message itself only when
 * no one else is writing or waiting to (a {@code tryLock}; the short path that keeps a job's latency
 * down) and RabbitMQ has not said it blocks the connection; otherwise it hands the message to one
 * sending thread and returns. So a write the broker does not read — a memory or disk alarm — stalls
 * at most its own writer, never the callers after it. Each message must be
 * confirmed within the {@link PublishDeadline}, counted from the call; {@link #expireOverdue} sends
 * again what is overdue or nacked, a few times, then fails it with {@code TIMEOUT}. A channel
 * that closed for any reason is never published on again: the next publish after the connection is
 * open opens a new channel, in confirm mode before its first message, with a tracker of its own.
 * The client library's automatic recovery would otherwise bring the old channel back with its
 * sequence numbers started again at 1 (and at 0 until it is in confirm mode again), which the old
 * tracker would take for numbers it already holds: a message tracked over another leaves that one's
 * future never completed, and a node's results for its client then wait behind it for ever.
 */
final class ConfirmingPublisher {
    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final Connection connection;
    private final Executor sender;
    private final Executor completer;
    private final Clock clock;
    private final PublishDeadline deadline;
    private final Supplier<Optional<String>> blocked;
    /** Handed to the sending thread and not yet written to the channel. */
    private final Queue<Outgoing> unsent = new ConcurrentLinkedQueue<>();
    /** Held across one write (sequence number and basicPublish); callers only ever try it. */
    private final ReentrantLock writing = new ReentrantLock();
    private Channel channel; // guarded by writing
    /** Set once {@link #channel} has closed (its shutdown listener); it is then replaced, never recovered. */
    private volatile AtomicBoolean channelGone = new AtomicBoolean(true);
    private volatile ConfirmTracker tracker;

    /**
     * @param sender one thread: every channel operation runs on it
     * @param blocked why the broker blocks the connection now, if it does
     */
    ConfirmingPublisher(Connection connection, Executor sender, Executor completer, Clock clock,
                        PublishDeadline deadline, Supplier<Optional<String>> blocked) {
        this.connection = connection;
        this.sender = sender;
        this.completer = completer;
        this.clock = clock;
        this.deadline = deadline;
        this.blocked = blocked;
        this.tracker = new ConfirmTracker(completer, this::nacked);
    }

    private void open() throws IOException {
        Channel old = channel;
        if (old != null) {
            channel = null;
            try {
                old.abort(); // a recovered channel would go on with its numbering started again
            } catch (IOException | RuntimeException e) {
                log.debug("closing the old publisher channel: {}", e.toString());
            }
            tracker.failAll(BrokerException.Kind.UNREACHABLE, "the publisher channel was replaced");
        }
        Channel ch = connection.createChannel();
        AtomicBoolean gone = new AtomicBoolean();
        ConfirmTracker t = new ConfirmTracker(completer, this::nacked);
        ch.confirmSelect();
        ch.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                t.confirmed(seq, multiple, true);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                t.confirmed(seq, multiple, false);
            }
        });
        ch.addReturnListener(r -> t.returned(r.getExchange(), r.getRoutingKey(),
                r.getProperties() == null ? null : r.getProperties().getMessageId(), r.getReplyText()));
        ch.addShutdownListener(cause -> {
            gone.set(true);
            boolean missing = cause.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == 404;
            t.failAll(missing ? BrokerException.Kind.NOT_FOUND : BrokerException.Kind.UNREACHABLE,
                    "the channel closed (" + Channels.reason(cause) + ")");
        });
        channel = ch;
        channelGone = gone;
        tracker = t;
    }

    CompletableFuture<Void> publish(OutboundMessage m) {
        Outgoing out = new Outgoing(m);
        out.sending(clock.instant().plus(deadline.confirmTimeout()));
        if (unsent.isEmpty() && blocked.get().isEmpty() && writing.tryLock()) {
            try {
                if (unsent.isEmpty()) { // nothing of this caller's queued before it: order kept
                    write(out);
                    return out.future;
                }
            } finally {
                writing.unlock();
            }
        }
        queue(out);
        return out.future;
    }

    private void enqueue(Outgoing out) {
        out.sending(clock.instant().plus(deadline.confirmTimeout()));
        queue(out);
    }

    private void queue(Outgoing out) {
        unsent.add(out);
        try {
            sender.execute(() -> send(out));
        } catch (RuntimeException e) { // the broker is closing
            unsent.remove(out);
            tracker.fail(out, new BrokerException(BrokerException.Kind.UNREACHABLE, "cannot publish to "
                    + out.where() + ": the connection is closing", e));
        }
    }

    /** On the sending thread. */
    private void send(Outgoing out) {
        writing.lock();
        try {
            if (unsent.remove(out) && !out.future.isDone()) { // else timed out while waiting its turn
                write(out);
            }
        } finally {
            writing.unlock();
        }
    }

    /** Under {@code writing}. */
    private void write(Outgoing out) {
        try {
            if (channel == null || channelGone.get() || !channel.isOpen()) {
                if (!connection.isOpen()) {
                    tracker.fail(out, new BrokerException(BrokerException.Kind.UNREACHABLE, "cannot publish to "
                            + out.where() + ": the connection to RabbitMQ is down (recovering)", null));
                    return;
                }
                if (channel != null) {
                    log.info("publisher channel was closed ({}); opening a new one",
                            channel.getCloseReason() == null ? "connection lost" : Channels.reason(channel.getCloseReason()));
                }
                open();
            }
        } catch (IOException | RuntimeException e) {
            tracker.fail(out, new BrokerException(BrokerException.Kind.UNREACHABLE,
                    "cannot open a channel to publish: " + Channels.reason(e), e));
            return;
        }
        Channel ch = channel;
        ConfirmTracker t = tracker;
        long seq = ch.getNextPublishSeqNo();
        if (!t.track(seq, out)) {
            channelGone.set(true); // its numbering is not the one tracked: the next write opens a new channel
            again(out, "the publisher channel's sequence numbers started again (" + seq + ")");
            return;
        }
        OutboundMessage m = out.message;
        try {
            ch.basicPublish(m.exchange(), m.routingKey(), m.mandatory(), Channels.properties(m), m.body());
        } catch (IOException | RuntimeException e) {
            t.forget(seq);
            t.fail(out, new BrokerException(BrokerException.Kind.UNREACHABLE,
                    "cannot publish to " + out.where() + ": " + Channels.reason(e), e));
            return;
        }
        if (ch.getNextPublishSeqNo() != seq + 1) {
            // the channel was recovered under this write: the message went out under another number (or none)
            channelGone.set(true);
            if (t.forget(seq)) {
                again(out, "the publisher channel was recovered while it was written");
            }
        }
    }

    /**
     * Sends again, or fails, every message whose confirm is overdue; fails those that could not even
     * be written in time. Called every {@link PublishDeadline#checkInterval()}.
     */
    void expireOverdue() {
        var now = clock.instant();
        for (Outgoing out : unsent) {
            if (out.overdue(now) && unsent.remove(out)) {
                tracker.fail(out, timeout(out, "could not be written to the connection within "
                        + deadline.confirmTimeout().toMillis() + " ms"));
            }
        }
        for (Outgoing out : tracker.overdue(now)) {
            again(out, "no confirm within " + deadline.confirmTimeout().toMillis() + " ms");
        }
    }

    private void nacked(Outgoing out) {
        again(out, "RabbitMQ refused (nacked) it");
    }

    /** Sends {@code out} again (same message id) while it may, else fails it saying why. */
    private void again(Outgoing out, String why) {
        if (blocked.get().isPresent() || out.sends() > deadline.resends()) {
            tracker.fail(out, timeout(out, why));
            return;
        }
        log.warn("a message to {} (id {}) was not confirmed: {}; sending it again (send {} of {})", out.where(),
                out.message.messageId(), why, out.sends() + 1, deadline.resends() + 1);
        enqueue(out);
    }

    private BrokerException timeout(Outgoing out, String why) {
        String alarm = blocked.get().map(r -> "; RabbitMQ blocks this connection (" + r + "): free memory or disk"
                + " on the broker (rabbitmq-diagnostics alarms)").orElse("");
        return new BrokerException(BrokerException.Kind.TIMEOUT, "a message to " + out.where() + " (id "
                + out.message.messageId() + ") was not stored by RabbitMQ: " + why + ", sent " + out.sends()
                + " time(s)" + alarm, null);
    }

    void failPending(String why) {
        tracker.failAll(BrokerException.Kind.UNREACHABLE, why);
        for (Outgoing out; (out = unsent.poll()) != null; ) {
            tracker.fail(out, new BrokerException(BrokerException.Kind.UNREACHABLE, "publish not sent: " + why, null));
        }
    }
}
