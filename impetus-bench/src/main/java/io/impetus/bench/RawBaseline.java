package io.impetus.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limit RabbitMQ itself sets: exactly the message work of a job round trip and nothing else.
 * A persistent job, published with confirms into a durable priority queue; consumers that
 * publish a persistent result with confirms and ack the job once that result is confirmed; the
 * producer consumes the results. No Impetus code.
 */
final class RawBaseline implements AutoCloseable {
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2)
            .priority(0).contentType("application/json").build();

    private final Connection connection;
    private final String jobs;
    private final String results;
    private final List<Map<Long, Long>> unackedJobs = new CopyOnWriteArrayList<>();

    RawBaseline(URI uri, String name) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        connection = f.newConnection("impetus bench raw");
        jobs = name + ".jobs";
        results = name + ".results";
        try (Channel ch = connection.createChannel()) {
            ch.queueDeclare(jobs, true, false, false, Map.of("x-max-priority", 10));
            ch.queueDeclare(results, true, false, false, null);
        }
    }

    /** Jobs per second from first publish to last result, {@code consumers} x {@code prefetch} in flight. */
    double throughput(int count, int consumers, int prefetch, byte[] job, byte[] result) throws Exception {
        CountDownLatch done = new CountDownLatch(count);
        List<Channel> opened = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            opened.addAll(worker(prefetch, result));
        }
        Channel resultsChannel = connection.createChannel();
        opened.add(resultsChannel);
        resultsChannel.basicQos(1000);
        AtomicLong received = new AtomicLong();
        resultsChannel.basicConsume(results, false, new DefaultConsumer(resultsChannel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                if (received.incrementAndGet() % 100 == 0 || done.getCount() == 1) {
                    getChannel().basicAck(envelope.getDeliveryTag(), true);
                }
                done.countDown();
            }
        });
        Channel producer = connection.createChannel();
        opened.add(producer);
        producer.confirmSelect();
        Semaphore window = new Semaphore(1000);
        ConcurrentNavigableMap<Long, Boolean> unconfirmed = new ConcurrentSkipListMap<>();
        producer.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) {
                release(seq, multiple);
            }

            @Override
            public void handleNack(long seq, boolean multiple) {
                release(seq, multiple);
            }

            private void release(long seq, boolean multiple) {
                Map<Long, Boolean> settled = multiple ? unconfirmed.headMap(seq, true) : unconfirmed.subMap(seq, true, seq, true);
                int n = settled.size();
                settled.clear();
                window.release(n);
            }
        });
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            window.acquire();
            unconfirmed.put(producer.getNextPublishSeqNo(), Boolean.TRUE);
            producer.basicPublish("", jobs, PERSISTENT, job);
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("raw baseline: only " + (count - done.getCount()) + " of " + count + " results");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        finish(opened);
        return count / seconds;
    }

    /** Milliseconds of single round trips, one job at a time. */
    List<Double> latency(int samples, byte[] job, byte[] result) throws Exception {
        List<Channel> opened = new ArrayList<>(worker(1, result));
        Channel ch = connection.createChannel();
        opened.add(ch);
        ch.confirmSelect();
        SynchronousQueue<Long> arrived = new SynchronousQueue<>();
        ch.basicConsume(results, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
                try {
                    arrived.put(System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            ch.basicPublish("", jobs, PERSISTENT, job);
            Long end = arrived.poll(30, TimeUnit.SECONDS);
            if (end == null) {
                throw new IllegalStateException("raw baseline: no result within 30 s");
            }
            millis.add((end - start) / 1e6);
        }
        finish(opened);
        return millis;
    }

    /** A consumer that publishes each result with a confirm and acks the job on that confirm. */
    private List<Channel> worker(int prefetch, byte[] result) throws IOException {
        Channel in = connection.createChannel();
        Channel out = connection.createChannel();
        in.basicQos(prefetch);
        out.confirmSelect();
        ConcurrentNavigableMap<Long, Long> tags = new ConcurrentSkipListMap<>();
        unackedJobs.add(tags);
        out.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long seq, boolean multiple) throws IOException {
                Map<Long, Long> settled = multiple ? tags.headMap(seq, true) : tags.subMap(seq, true, seq, true);
                for (Long tag : settled.values()) {
                    in.basicAck(tag, false);
                }
                settled.clear();
            }

            @Override
            public void handleNack(long seq, boolean multiple) throws IOException {
                Map<Long, Long> settled = multiple ? tags.headMap(seq, true) : tags.subMap(seq, true, seq, true);
                for (Long tag : settled.values()) {
                    in.basicReject(tag, true);
                }
                settled.clear();
            }
        });
        in.basicConsume(jobs, false, new DefaultConsumer(in) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                synchronized (out) {
                    tags.put(out.getNextPublishSeqNo(), envelope.getDeliveryTag());
                    out.basicPublish("", results, PERSISTENT, result);
                }
            }
        });
        return List.of(in, out);
    }

    /** Waits for the last job acks, closes the run's channels and empties both queues for the next run. */
    private void finish(List<Channel> opened) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (unackedJobs.stream().anyMatch(m -> !m.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        unackedJobs.clear();
        for (Channel c : opened) {
            if (c.isOpen()) {
                c.close();
            }
        }
        try (Channel ch = connection.createChannel()) {
            ch.queuePurge(jobs);
            ch.queuePurge(results);
        }
    }

    @Override
    public void close() throws Exception {
        try (Channel ch = connection.createChannel()) {
            ch.queueDelete(jobs);
            ch.queueDelete(results);
        }
        connection.close();
    }
}
