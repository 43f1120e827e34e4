package io.impetus.core.broker;

import io.impetus.testkit.BrokerContract;

/** The RabbitMQ adapter held to the contract the engine's fake broker is held to ({@code FakeBrokerContractTest}). */
class AmqpBrokerContractIT extends BrokerContract {
    @Override
    protected Broker connect() {
        return Brokers.connect(BrokerIT.settings(), "AmqpBrokerContractIT");
    }
}
