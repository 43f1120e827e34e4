package io.impetus.core.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether RabbitMQ answers on a connection: a passive declare of {@code amq.direct} (in every vhost,
 * never blocked by an alarm) on a channel of its own, run on a thread of its own so the caller waits
 * only as long as it chooses. A cut connection stays open until its heartbeats time out; its round
 * trip just never comes back. At most one is outstanding (a channel takes one RPC at a time): a call
 * while one is out waits for that one. Thread-safe.
 */
final class RoundTrip implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoundTrip.class);
    static final String EXCHANGE = "amq.direct";

    private final Connection connection;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "impetus-round-trip");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    private Channel channel;

    RoundTrip(Connection connection) {
        this.connection = connection;
    }

    /** True when the broker answered within {@code within}; false when it did not, or the connection is down. */
    boolean answers(Duration within) {
        if (!connection.isOpen()) {
            return false;
        }
        CompletableFuture<Void> trip;
        synchronized (this) {
            if (last.isDone()) {
                last = CompletableFuture.runAsync(this::declarePassive, thread);
            }
            trip = last;
        }
        try {
            trip.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.debug("RabbitMQ did not answer a round trip within {} ms", within.toMillis());
            return false;
        } catch (ExecutionException e) {
            log.debug("round trip to RabbitMQ failed: {}", e.getCause().toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void declarePassive() {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            channel.exchangeDeclarePassive(EXCHANGE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
