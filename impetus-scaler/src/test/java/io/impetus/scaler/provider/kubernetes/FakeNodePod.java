package io.impetus.scaler.provider.kubernetes;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.Subscription;
import io.impetus.core.codec.Json;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.topology.Topology;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What runs in a node pod, as the scaler sees it over RabbitMQ: heartbeats for the pod's name, and
 * a drain request that makes it report draining. The test says when its job ends and when it is blocked.
 */
final class FakeNodePod implements AutoCloseable {
    final String name;
    private final Broker broker;
    private final Topology topology;
    private final Subscription drains;
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
    private final Instant started = Instant.now();
    private final AtomicInteger drainRequests = new AtomicInteger();
    volatile int busy;
    volatile boolean blocked;
    private volatile boolean draining;

    FakeNodePod(Broker broker, Topology topology, String name) {
        this.broker = broker;
        this.topology = topology;
        this.name = name;
        String queue = broker.declareTemporaryQueue(topology.eventsQueue("fake-node", name));
        broker.bind(queue, topology.eventsExchange(), Topology.nodeDrainKey(name));
        drains = broker.consume(queue, 10, d -> {
            d.ack();
            draining = true;
            drainRequests.incrementAndGet();
        });
        beat.scheduleWithFixedDelay(this::heartbeat, 0, 100, TimeUnit.MILLISECONDS);
    }

    int drainRequests() {
        return drainRequests.get();
    }

    private void heartbeat() {
        Instant now = Instant.now();
        NodeStatus s = new NodeStatus(name, "pod", 1, 2, Map.of("s", new NodeStatus.StreamLoad(2, busy)), started,
                busy > 0 ? now : started, draining, blocked, now);
        broker.publish(OutboundMessage.to(topology.eventsExchange(),
                draining ? Topology.NODE_DRAINING : Topology.NODE_HEARTBEAT).body(Json.write(s)).persistent(false)
                .mandatory(false).build());
    }

    @Override
    public void close() {
        beat.shutdownNow();
        drains.close();
    }
}
