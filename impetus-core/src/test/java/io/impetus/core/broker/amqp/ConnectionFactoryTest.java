package io.impetus.core.broker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import io.impetus.core.broker.BrokerCallTimeout;
import io.impetus.core.codec.Limits;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.topology.Topology;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RabbitMQ client's settings, without a broker: a call the broker never answers may not wait 10 minutes. */
class ConnectionFactoryTest {
    private static final ConnectionSettings SETTINGS = new ConnectionSettings("127.0.0.1", 5672, "u", "p", "/", false,
            URI.create("http://127.0.0.1:15672"), Topology.DEFAULT);

    @Test
    void aBodyJustPastTheMessageLimitIsReadAndRefusedAndTheLimitFollowsTheConfiguredOne() {
        assertThat(BrokerConnections.maxInboundBody(Limits.DEFAULTS)).isEqualTo(65 * 1024 * 1024);
        assertThat(BrokerConnections.maxInboundBody(Limits.DEFAULTS.withMaxMessageBytes(300 * Limits.MIB)))
                .as("a larger configured message limit is read too").isEqualTo(301 * 1024 * 1024);
    }

    @Test
    void aCallTheBrokerDoesNotAnswerFailsAfterTheCallTimeoutNotTheClientsTenMinutes() {
        ConnectionFactory f = BrokerConnections.factory(SETTINGS, AmqpBroker.DEFAULT_HEARTBEAT, BrokerCallTimeout.DEFAULTS);

        assertThat(f.getChannelRpcTimeout()).isEqualTo(30_000);
        assertThat(BrokerConnections.factory(SETTINGS, AmqpBroker.DEFAULT_HEARTBEAT,
                new BrokerCallTimeout(Duration.ofSeconds(45))).getChannelRpcTimeout()).isEqualTo(45_000);
        assertThat(f.getRequestedHeartbeat()).isEqualTo(20);
        assertThat(f.isAutomaticRecoveryEnabled()).isTrue();
    }

    @Test
    void theEnvironmentSetsTheCallTimeoutAndABadValueIsRefusedNamingIt() {
        assertThat(BrokerCallTimeout.fromEnvironment(Map.of())).isEqualTo(BrokerCallTimeout.DEFAULTS);
        assertThat(BrokerCallTimeout.fromEnvironment(Map.of(BrokerCallTimeout.ENV_TIMEOUT_MS, "60000")).timeout())
                .isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> BrokerCallTimeout.fromEnvironment(Map.of(BrokerCallTimeout.ENV_TIMEOUT_MS, "10")))
                .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("IMPETUS_BROKER_CALL_TIMEOUT_MS");
        assertThatThrownBy(() -> BrokerCallTimeout.fromEnvironment(Map.of(BrokerCallTimeout.ENV_TIMEOUT_MS, "soon")))
                .isInstanceOf(InvalidPropertyException.class).hasMessageContaining("whole number");
    }
}
