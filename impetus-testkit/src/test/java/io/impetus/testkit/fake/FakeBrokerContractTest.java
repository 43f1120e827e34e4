package io.impetus.testkit.fake;

import io.impetus.core.broker.Broker;
import io.impetus.testkit.BrokerContract;

/** The fake the engine's unit tests use, held to what RabbitMQ does ({@code AmqpBrokerContractIT}). */
class FakeBrokerContractTest extends BrokerContract {
    @Override
    protected Broker connect() {
        return new FakeBroker();
    }
}
