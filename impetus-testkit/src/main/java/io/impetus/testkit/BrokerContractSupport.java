package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueCounts;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.broker.Subscription;
import io.impetus.core.error.BrokerException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the parts of {@link BrokerContract} share: the connection under test, and helpers that name queues and
 * exchanges uniquely and note them for {@link BrokerContract} to delete after each test.
 */
interface BrokerContractSupport {
    Duration WAIT = Duration.ofSeconds(15);

    /** The connection under test, opened before each test. */
    Broker broker();

    /** Another new connection to the broker under test. */
    Broker newConnection();

    /** The queues made by this test, deleted after it. */
    List<String> createdQueues();

    /** The exchanges made by this test, deleted after it. */
    List<String> createdExchanges();

    default String name(String base) {
        return TestBroker.uniqueName("contract." + base);
    }

    default String queue(String base, Map<String, Object> arguments) {
        String q = name(base);
        broker().declareQueue(QueueSpec.durable(q, arguments));
        createdQueues().add(q);
        return q;
    }

    default String queue(String base) {
        return queue(base, Map.of());
    }

    default String exchange(String base, ExchangeType type) {
        String e = name(base);
        broker().declareExchange(e, type, true);
        createdExchanges().add(e);
        return e;
    }

    default OutboundMessage.Builder text(String queue, String body) {
        return OutboundMessage.toQueue(queue).body(body.getBytes(StandardCharsets.UTF_8)).messageId(body);
    }

    default void publish(OutboundMessage m) throws Exception {
        broker().publish(m).get(10, TimeUnit.SECONDS);
    }

    default long ready(String queue) {
        return broker().inspect(queue).map(QueueCounts::ready).orElse(-1L);
    }

    default BrokerException failure(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BrokerException.class);
            return (BrokerException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected the future to fail, got " + e, e);
        }
        throw new AssertionError("expected the future to fail; it succeeded");
    }

    /** Consumes {@code queue}, keeping every delivery unsettled for the test to settle. */
    default Subscription hold(String queue, int prefetch, List<Delivery> into) {
        return broker().consume(queue, prefetch, into::add);
    }

    default List<String> ids(List<? extends Delivery> deliveries) {
        return deliveries.stream().map(d -> d.message().messageId()).toList();
    }
}
