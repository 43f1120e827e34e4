package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ReturnCallback;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel (and a connection that opens it) that records the message ids published and confirms
 * nothing by itself: a test acks or nacks through {@link #confirms}. It records consumes and
 * cancels, and keeps the last consumer so a test can deliver to it. With {@link #hold} set, a publish
 * blocks until it is counted down, as a write to a connection RabbitMQ has blocked does.
 */
final class FakeChannel {
    final List<String> published = new CopyOnWriteArrayList<>();
    final List<ConfirmListener> confirms = new CopyOnWriteArrayList<>();
    final AtomicLong nextSeqNo = new AtomicLong(1);
    volatile CountDownLatch hold;
    /** basicConsume and basicCancel, in order; the last consumer given. */
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile Consumer consumer;
    /** Channels opened on the connection (each is this one channel), and aborts of it. */
    final AtomicLong opened = new AtomicLong();
    final AtomicLong aborts = new AtomicLong();
    final List<ShutdownListener> shutdownListeners = new CopyOnWriteArrayList<>();
    final List<ReturnCallback> returns = new CopyOnWriteArrayList<>();

    final Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(),
            new Class<?>[] {Channel.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getNextPublishSeqNo" -> {
                        return nextSeqNo.get();
                    }
                    case "basicPublish" -> {
                        published.add(((AMQP.BasicProperties) args[3]).getMessageId()
                               );
                        nextSeqNo.incrementAndGet();
                        CountDownLatch h = hold;
                        if (h != null) {
                            h.await();
                        }
                        return null;
                    }
                    case "addConfirmListener" -> {
                        confirms.add((ConfirmListener) args[0]);
                        return null;
                    }
                    case "isOpen" -> {
                        return true;
                    }
                    case "confirmSelect" -> { // a channel (new or the same one opened again) counts from 1
                        nextSeqNo.set(1);
                        return null;
                    }
                    case "addReturnListener" -> {
                        if (args[0] instanceof ReturnCallback r) {
                            returns.add(r);
                        }
                        return null;
                    }
                    case "addShutdownListener" -> {
                        shutdownListeners.add((ShutdownListener) args[0]);
                        return null;
                    }
                    case "abort" -> {
                        aborts.incrementAndGet();
                        shutDown();
                        return null;
                    }
                    case "basicConsume" -> {
                        consumer = (Consumer) args[args.length - 1];
                        calls.add("consume");
                        return "tag-" + calls.size();
                    }
                    case "basicCancel" -> {
                        calls.add("cancel " + args[0]);
                        return null;
                    }
                    case "toString" -> {
                        return "fake channel";
                    }
                    default -> {
                        return defaultOf(method.getReturnType());
                    }
                }
            });

    final Connection connection = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "createChannel" -> {
                    opened.incrementAndGet();
                    yield channel;
                }
                case "isOpen" -> true;
                case "toString" -> "fake connection";
                default -> defaultOf(method.getReturnType());
            });

    void ack(long seq) throws Exception {
        for (ConfirmListener l : confirms) {
            l.handleAck(seq, false);
        }
    }

    /** The channel closes as on a lost connection: its shutdown listeners hear of it. */
    void shutDown() {
        ShutdownSignalException cause = new ShutdownSignalException(true, false, null, channel);
        for (ShutdownListener l : shutdownListeners) {
            l.shutdownCompleted(cause);
        }
    }

    /** RabbitMQ returns an unroutable mandatory message (before its confirm). */
    void returnUnroutable(String exchange, String routingKey, String messageId) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(messageId).build();
        for (ReturnCallback r : returns) {
            r.handle(new Return(312, "NO_ROUTE", exchange, routingKey, props, new byte[0]));
        }
    }

    /** Acks every message up to {@code seq} at once ({@code multiple}), as RabbitMQ often does. */
    void ackAll(long seq) {
        for (ConfirmListener l : confirms) {
            try {
                l.handleAck(seq, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void nack(long seq) throws Exception {
        for (ConfirmListener l : confirms) {
            l.handleNack(seq, false);
        }
    }

    private static Object defaultOf(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class) {
            return type == long.class ? (Object) 0L : type == int.class ? (Object) 0 : (Object) (short) 0;
        }
        return null;
    }
}
