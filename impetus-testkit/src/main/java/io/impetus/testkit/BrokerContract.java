package io.impetus.testkit;

import io.impetus.core.broker.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the engine relies on of the {@link Broker} seam, run against every broker: {@code FakeBrokerContractTest}
 * (the fake the engine's unit tests use) and {@code AmqpBrokerContractIT} (RabbitMQ), as {@code StoreContract}
 * is run against H2 and PostgreSQL. A behaviour the fake gets wrong fails here, not in production. Each test
 * names its queues and exchanges uniquely and deletes them after. Waits are on state (Awaitility), so the
 * fake's synchronous handoffs and RabbitMQ's asynchronous ones both pass. The tests are in its parts, one
 * interface per area ({@link DeliveryContract}, {@link DeadLetterContract}, {@link SubscriptionContract},
 * {@link RoutingContract}, {@link DeclarationContract}, {@link ConnectionContract}); a subclass runs them all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class BrokerContract implements DeliveryContract, DeadLetterContract, SubscriptionContract,
        RoutingContract, DeclarationContract, ConnectionContract {
    protected Broker broker;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    /** A new connection to the broker under test. */
    protected abstract Broker connect();

    @BeforeEach
    void open() {
        broker = connect();
    }

    @AfterEach
    void cleanUp() {
        if (broker == null) {
            return;
        }
        if (broker.isOpen()) {
            queues.forEach(q -> broker.deleteQueue(q, false));
            exchanges.forEach(broker::deleteExchange);
        }
        broker.close();
    }

    @Override
    public final Broker broker() {
        return broker;
    }

    @Override
    public final Broker newConnection() {
        return connect();
    }

    @Override
    public final List<String> createdQueues() {
        return queues;
    }

    @Override
    public final List<String> createdExchanges() {
        return exchanges;
    }
}
