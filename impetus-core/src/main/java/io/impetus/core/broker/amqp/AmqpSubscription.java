package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.impetus.core.broker.DeliveryBudget;
import io.impetus.core.broker.DeliveryHandler;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Limits;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on its own channel (or, given {@link ConsumerChannels}, on a channel it shares with
 * other consumers of the same budget) with manual acks and a prefetch bound. Anything its handler
 * throws is caught at this edge and the delivery rejected (never requeued in a loop). When the
 * broker cancels it (queue deleted) or a channel-level error closes its channel, it resumes by
 * itself, once a second, after running the owner's {@code beforeResume}. Within a
 * {@link DeliveryBudget}, it cancels its consumer while the budget is over and consumes again once it
 * is not (on the healer thread; what it holds it keeps and settles meanwhile).
 */
final class AmqpSubscription implements Subscription, DeliveryBudget.Gate {
    private static final Logger log = LoggerFactory.getLogger(AmqpSubscription.class);
    static final long RESUME_INTERVAL_MS = 1000;

    private final Connection connection;
    private final ScheduledExecutorService healer;
    private final String queue;
    private final int prefetch;
    private final DeliveryHandler handler;
    private final Runnable beforeResume;
    private final DeliveryBudget budget;
    /** The shared channels this consumer takes its channel from, or {@code null} for a channel of its own. */
    private final ConsumerChannels shared;
    /** Deliveries not settled yet: on a shared channel, closing gives them back one by one. */
    private final Set<AmqpDelivery> unsettled = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    /** Whether the consumer is cancelled for the budget (the channel stays, with what it holds). */
    private boolean paused; // guarded by this
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean resuming = new AtomicBoolean();
    private volatile Channel channel;
    private volatile String consumerTag;

    private AmqpSubscription(Connection connection, ScheduledExecutorService healer, String queue, int prefetch,
                             DeliveryHandler handler, Runnable beforeResume, DeliveryBudget budget,
                             ConsumerChannels shared) {
        this.shared = shared;
        this.connection = connection;
        this.healer = healer;
        this.queue = queue;
        this.prefetch = prefetch;
        this.handler = handler;
        this.beforeResume = beforeResume;
        this.budget = budget;
    }

    /** @param budget the bytes its deliveries may hold, with other subscriptions', or {@code null} */
    static AmqpSubscription start(Connection connection, ScheduledExecutorService healer, String queue, int prefetch,
                                  DeliveryHandler handler, Runnable beforeResume, DeliveryBudget budget)
            throws IOException {
        return start(connection, healer, queue, prefetch, handler, beforeResume, budget, null);
    }

    /**
     * Like {@link #start(Connection, ScheduledExecutorService, String, int, DeliveryHandler, Runnable, DeliveryBudget)},
     * on a channel of {@code shared} when not {@code null}.
     */
    static AmqpSubscription start(Connection connection, ScheduledExecutorService healer, String queue, int prefetch,
                                  DeliveryHandler handler, Runnable beforeResume, DeliveryBudget budget,
                                  ConsumerChannels shared) throws IOException {
        AmqpSubscription sub = new AmqpSubscription(connection, healer, queue, prefetch, handler, beforeResume, budget,
                shared);
        Channel ch = sub.openChannel();
        try {
            sub.subscribe(ch);
        } catch (IOException | RuntimeException e) {
            sub.cancelled.set(true); // never started (no such queue, access refused): nothing to resume
            sub.releaseChannel(ch);
            throw e;
        }
        if (budget != null) {
            budget.register(sub);
            sub.refresh(); // over already: pause at once
        }
        return sub;
    }

    private Channel openChannel() throws IOException {
        if (shared != null) {
            Channel ch = shared.take();
            ch.addShutdownListener(listenerFor(ch));
            return ch;
        }
        Channel ch = connection.createChannel();
        ch.basicQos(prefetch);
        ch.addShutdownListener(cause -> onChannelShutdown(ch, cause));
        return ch;
    }

    private ShutdownListener listener;

    private synchronized ShutdownListener listenerFor(Channel ch) {
        listener = cause -> onChannelShutdown(ch, cause);
        return listener;
    }

    /** Gives a shared channel back (its last consumer closes it); closes a channel of its own. */
    private void releaseChannel(Channel ch) {
        if (shared != null) {
            ShutdownListener l;
            synchronized (this) {
                l = listener;
            }
            if (l != null) {
                ch.removeShutdownListener(l);
            }
            shared.release(ch);
            return;
        }
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (Exception e) {
            log.debug("close channel of {}: {}", queue, e.toString());
        }
    }

    private void subscribe(Channel ch) throws IOException {
        channel = ch;
        if (shared == null) {
            consumerTag = consumeOn(ch);
            return;
        }
        // basic.qos applies to the consumers started after it on the channel: none may slip in between
        synchronized (ch) {
            ch.basicQos(prefetch);
            consumerTag = consumeOn(ch);
        }
    }

    private String consumeOn(Channel ch) throws IOException {
        return ch.basicConsume(queue, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
                deliver(ch, envelope, props, body);
            }

            @Override
            public void handleCancel(String tag) {
                log.warn("the broker cancelled the consumer of queue {} (queue deleted?); resuming when it is back",
                        queue);
                scheduleResume();
            }
        });
    }

    private void deliver(Channel ch, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        AmqpDelivery d = null;
        try {
            Acks acks = acksOf(ch);
            acks.opened(envelope.getDeliveryTag(), body == null ? 0 : body.length);
            long max = Limits.configured().maxMessageBytes();
            if (body != null && body.length > max) {
                // refused before any copy or decoding: a body near the broker's cap would not fit twice in the heap
                log.warn("a message of {} bytes on queue {} is over the limit {}={}; rejected (dead-lettered where the"
                        + " queue has a dead-letter route)", body.length, queue, Limits.ENV_MAX_MESSAGE_BYTES, max);
                new AmqpDelivery(acks, envelope.getDeliveryTag(), null, shared == null ? null : unsettled).reject(false);
                return;
            }
            d = new AmqpDelivery(acks, envelope.getDeliveryTag(), Channels.inbound(envelope, props, body),
                    shared == null ? null : unsettled);
            if (closing) { // sent before the cancel, dispatched after close: the shared channel stays, so give it back
                d.reject(true);
                return;
            }
            handler.handle(d);
        } catch (Throwable e) {
            log.error("handler for queue {} failed on message {}; the message is rejected (dead-lettered"
                    + " where the queue has a dead-letter route)", queue, props == null ? null : props.getMessageId(), e);
            if (d != null) {
                d.reject(false);
            } else {
                try {
                    ch.basicReject(envelope.getDeliveryTag(), false);
                } catch (IOException | RuntimeException x) {
                    log.warn("reject failed on queue {}: {}", queue, x.toString());
                }
            }
        }
    }

    private volatile Acks acks;

    /** The ack bookkeeping of {@code ch} (a resumed subscription has a new channel, whose tags start again). */
    private Acks acksOf(Channel ch) {
        if (shared != null) {
            return shared.acks(ch);
        }
        Acks a = acks;
        if (a == null || a.channel != ch) {
            synchronized (this) {
                if (acks == null || acks.channel != ch) {
                    acks = new Acks(ch, queue, budget);
                }
                a = acks;
            }
        }
        return a;
    }

    private void onChannelShutdown(Channel ch, ShutdownSignalException cause) {
        Acks a = shared != null ? shared.acks(ch) : acks;
        if (a != null && a.channel == ch) {
            a.closed();
        }
        unsettled.removeIf(d -> d.isOn(ch)); // the broker gave them back with the channel
        if (!cancelled.get() && !cause.isHardError() && !cause.isInitiatedByApplication()) {
            log.warn("the channel consuming {} was closed ({}); resuming on a new one", queue, Channels.reason(cause));
            scheduleResume();
        }
    }

    private void scheduleResume() {
        if (cancelled.get() || !resuming.compareAndSet(false, true)) {
            return;
        }
        try {
            healer.schedule(this::resume, RESUME_INTERVAL_MS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            resuming.set(false); // the broker is closing
        }
    }

    private void resume() {
        if (cancelled.get()) {
            return;
        }
        try {
            beforeResume.run();
            Channel probe = connection.createChannel();
            probe.queueDeclarePassive(queue); // closes the probe (404) while the queue is missing
            probe.close();
            Channel ch = channel;
            if (!ch.isOpen()) {
                releaseChannel(ch);
                ch = openChannel();
            }
            resuming.set(false);
            synchronized (this) {
                paused = false;
                subscribe(ch);
            }
            refresh(); // still over the budget: pause again
            log.info("consuming {} again", queue);
        } catch (Exception e) {
            log.debug("cannot consume {} yet: {}", queue, e.toString());
            resuming.set(false);
            scheduleResume();
        }
    }

    /** The budget's state flipped, or may have: pause or consume again, on the healer thread. */
    @Override
    public void refresh() {
        if (budget == null || cancelled.get()) {
            return;
        }
        try {
            healer.execute(this::applyBudget);
        } catch (RuntimeException e) {
            log.debug("budget change for {} not applied (closing): {}", queue, e.toString());
        }
    }

    private synchronized void applyBudget() {
        boolean over = budget.over();
        if (cancelled.get() || over == paused || !channel.isOpen()) {
            return;
        }
        try {
            if (over) {
                channel.basicCancel(consumerTag);
                log.info("paused consuming {}: this process holds {} bytes of deliveries, over its budget of {}",
                        queue, budget.held(), budget.limit());
            } else {
                subscribe(channel);
                log.info("consuming {} again: deliveries held back under the budget", queue);
            }
            paused = over;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot {} consuming {} for the delivery budget: {}", over ? "pause" : "resume", queue, e.toString());
        }
    }

    @Override
    public void cancel() {
        if (budget != null) {
            budget.unregister(this);
        }
        boolean first;
        boolean wasPaused;
        synchronized (this) { // with applyBudget's lock: a resume cannot slip in between the two
            first = cancelled.compareAndSet(false, true);
            wasPaused = paused;
        }
        if (first && !wasPaused && channel.isOpen()) {
            try {
                channel.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                log.debug("cancel consumer of {}: {}", queue, e.toString());
            }
        }
    }

    @Override
    public void close() {
        cancel();
        closing = true;
        Channel ch = channel;
        if (shared != null) { // the channel stays for the others: what this consumer holds goes back now
            for (AmqpDelivery d : List.copyOf(unsettled)) {
                if (d.isOn(ch)) {
                    d.reject(true);
                }
            }
        }
        releaseChannel(ch);
    }
}
