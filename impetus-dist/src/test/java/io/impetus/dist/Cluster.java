package io.impetus.dist;

import static org.awaitility.Awaitility.await;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import io.impetus.testkit.BrokerCleaner;
import io.impetus.testkit.TestBroker;
import io.impetus.testkit.TestKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An isolated Impetus installation for one test: its own topology prefix on the test broker,
 * real coordinator and node processes, and a broker connection for checks. Closing it stops the
 * processes and deletes the prefix's queues and exchanges.
 */
final class Cluster implements AutoCloseable {
    final String prefix;
    final ConnectionSettings settings;
    final Map<String, String> env = new HashMap<>();
    final Path dataDir;
    private final List<Daemon> daemons = new ArrayList<>();
    private Broker broker;
    private ControlClient control;
    private int nodes;
    private Faults.Host host;

    Cluster(String name) throws Exception {
        this(name, TestBroker.get().amqpUri(), TestBroker.get().managementUri());
    }

    /** An installation whose every process is given {@code uris} (one node, or a cluster's list) and management URIs. */
    Cluster(String name, String uris, String managementUris) throws Exception {
        prefix = TestBroker.uniqueName("it-" + name);
        Map<String, String> cli = new HashMap<>();
        cli.put("uri", uris);
        cli.put("prefix", prefix);
        if (managementUris != null) {
            cli.put("management.uri", managementUris);
            env.put(SettingsResolver.ENV_MANAGEMENT_URI, managementUris);
        }
        settings = SettingsResolver.resolve(cli, Map.of(), Map.of());
        env.put(SettingsResolver.ENV_URI, uris);
        env.put(SettingsResolver.ENV_PREFIX, prefix);
        env.put(SigningKey.ENV, TestKeys.signingKey());
        dataDir = Files.createTempDirectory(prefix);
    }

    ControlClient control() {
        if (broker == null) {
            broker = Brokers.connect(settings, "it " + prefix);
            control = new ControlClient(broker, settings.topology(), Duration.ofSeconds(5), SigningKey.configured(System.getenv(), System::getProperty));
        }
        return control;
    }

    Broker broker() {
        control();
        return broker;
    }

    /** Starts the next processes inside {@code next} (a fault-harness host), or on this host again with null. */
    private List<String> wrapper = List.of();

    Cluster in(Faults.Host next) {
        host = next;
        return this;
    }

    /** Starts the next processes on this host behind {@code command} (e.g. a skewed clock), or plainly with an empty list. */
    Cluster wrapped(List<String> command) {
        wrapper = List.copyOf(command);
        return this;
    }

    private Daemon launch(String name, Map<String, String> processEnv, String... args) throws IOException {
        if (host == null) {
            return Daemon.impetusWith(wrapper, name, processEnv, args);
        }
        String[] moved = Arrays.stream(args).map(Faults.Host::local).toArray(String[]::new);
        return Daemon.impetusWith(host.prefix(), name, host.env(processEnv), moved);
    }

    Daemon startCoordinator(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("coordinator", "foreground", "--data-dir",
                dataDir.resolve("store").toString()));
        args.addAll(List.of(extraArgs));
        Daemon d = launch(prefix + "-coordinator" + (daemons.size() + 1), env, args.toArray(String[]::new));
        daemons.add(d);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            control().call(new ControlRequest.ListStreams(true), StreamInfo[].class);
            return true;
        });
        return d;
    }

    Daemon startNode(int mpps) throws Exception {
        return startNode(mpps, Map.of());
    }

    /** A node with {@code extraEnv} added (fault injection). */
    Daemon startNode(int mpps, Map<String, String> extraEnv) throws Exception {
        return startNode(mpps, extraEnv, List.of());
    }

    /** A node with {@code extraEnv} added and {@code extraArgs} after its command line's own ({@code --in-process}). */
    Daemon startNode(int mpps, Map<String, String> extraEnv, List<String> extraArgs) throws Exception {
        nodes++;
        Map<String, String> nodeEnv = new HashMap<>(env);
        nodeEnv.putAll(extraEnv);
        List<String> args = new ArrayList<>(List.of("node", "foreground", "-m", String.valueOf(mpps),
                "--cache-dir", dataDir.resolve("bundles-" + nodes).toString()));
        args.addAll(extraArgs);
        Daemon d = launch(prefix + "-node" + nodes, nodeEnv, args.toArray(String[]::new));
        daemons.add(d);
        int expected = nodes;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                control().call(new ControlRequest.ListNodes(), NodeStatus[].class).length >= expected);
        return d;
    }

    /** Another node, once an earlier one is gone: waits until this one reports (by its pid), whatever the count. */
    Daemon startReplacementNode(int mpps) throws Exception {
        nodes++;
        Daemon d = launch(prefix + "-node" + nodes, env, "node", "foreground", "-m", String.valueOf(mpps),
                "--cache-dir", dataDir.resolve("bundles-" + nodes).toString());
        daemons.add(d);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Arrays.stream(
                control().call(new ControlRequest.ListNodes(), NodeStatus[].class)).anyMatch(n -> n.pid() == d.pid()));
        return d;
    }

    @Override
    public void close() throws Exception {
        for (Daemon d : daemons) {
            d.close();
        }
        if (broker != null) {
            broker.close();
        }
        BrokerCleaner.deleteAll(prefix);
    }
}
