package io.impetus.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.impetus.client.Impetus;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.topology.Topology;
import io.impetus.dist.fixtures.Squares;
import io.impetus.testkit.TestBroker;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker users of broker-config/definitions.json, one per role: each can do its work (a job
 * runs end to end with the coordinator, node and client each logged in as its role) and the
 * broker refuses what the role must not do (ACCESS_REFUSED).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RolesIT {
    private static final String PASSWORD = "impetus"; // the local defaults of definitions.json

    private static String uri(String user) {
        URI test = URI.create(TestBroker.get().amqpUri());
        return "amqp://" + user + ":" + PASSWORD + "@" + test.getHost() + ":" + test.getPort() + test.getRawPath();
    }

    private static ConnectionSettings as(String user, Cluster cluster) {
        Map<String, String> cli = new HashMap<>(Map.of("uri", uri(user), "prefix", cluster.prefix));
        if (TestBroker.get().managementUri() != null) {
            cli.put("management.uri", TestBroker.get().managementUri());
        }
        return SettingsResolver.resolve(cli, Map.of(), Map.of());
    }

    private static void refused(Runnable op) {
        assertThatThrownBy(op::run).isInstanceOf(BrokerException.class).hasMessageContaining("ACCESS_REFUSED")
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(BrokerException.Kind.ACCESS_REFUSED));
    }

    @Test
    void eachRoleDoesItsWorkAndTheBrokerRefusesTheRest() throws Exception {
        URI test = URI.create(TestBroker.get().amqpUri());
        Assumptions.assumeTrue(test.getRawPath() != null && test.getRawPath().length() > 1,
                "the role users are defined for the vhosts of broker-config/definitions.json");
        try (Cluster cluster = new Cluster("roles")) {
            Topology t = cluster.settings.topology();
            Map<String, String> coordinatorEnv = new HashMap<>(cluster.env);
            coordinatorEnv.put(SettingsResolver.ENV_URI, uri("impetus-coordinator"));
            Daemon coordinator = Daemon.impetus(cluster.prefix + "-coordinator", coordinatorEnv, "coordinator",
                    "foreground", "--data-dir", cluster.dataDir.resolve("store").toString());
            Map<String, String> nodeEnv = new HashMap<>(cluster.env);
            nodeEnv.put(SettingsResolver.ENV_URI, uri("impetus-node"));
            Daemon node = Daemon.impetus(cluster.prefix + "-node", nodeEnv, "node", "foreground", "-m", "1");
            try {
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> cluster.control().call(
                        new ControlRequest.ListNodes(), NodeStatus[].class).length == 1);
                try (Impetus client = Impetus.connect(as("impetus-client", cluster), TestBroker.uniqueName("roles"))) {
                    assertThat(client.stream("work", Map.of()).fork(Squares::square, 7L).get(90, TimeUnit.SECONDS))
                            .isEqualTo(49L);
                }

                try (Broker b = Brokers.connect(as("impetus-client", cluster), "roles client")) {
                    refused(() -> b.consume(t.controlQueue(), 1, d -> { }));
                    refused(() -> b.consume(t.jobsQueue("work"), 1, d -> { }));
                    refused(() -> b.declareQueue(QueueSpec.durable(t.jobsQueue("other"))));
                    refused(() -> b.deleteQueue(t.controlQueue(), false));
                }
                try (Broker b = Brokers.connect(as("impetus-node", cluster), "roles node")) {
                    refused(() -> b.declareQueue(QueueSpec.durable(t.jobsQueue("other"))));
                    refused(() -> b.deleteQueue(t.jobsQueue("work"), false));
                    refused(() -> b.consume(t.controlQueue(), 1, d -> { }));
                }
                try (Broker b = Brokers.connect(as("impetus-scaler", cluster), "roles scaler")) {
                    refused(() -> b.declareQueue(QueueSpec.durable(t.jobsQueue("other"))));
                    refused(() -> b.consume(t.jobsQueue("work"), 1, d -> { }));
                    assertThatThrownBy(() -> b.publish(OutboundMessage.toQueue(t.controlQueue()).body(new byte[] {1})
                            .build()).get(10, TimeUnit.SECONDS)).hasMessageContaining("ACCESS_REFUSED");
                }
            } finally {
                node.close();
                coordinator.close();
            }
        }
    }
}
