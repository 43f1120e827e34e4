package io.impetus.cli;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.OwnerOnly;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.ControlClient;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.ScalerReport;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code impetus demo [helloworld|crawler]}: runs an example end to end. Uses the configured
 * broker (making a local one ready where it can), starts a coordinator if none answers, then
 * for HelloWorld a node if none runs, and for the crawler a scaler with the local provider if
 * none reports (the crawler's 403 page blocks a node, which the scaler replaces); runs the
 * example and stops what it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run an example end to end: helloworld (default) or crawler.",
                "Starts a coordinator if none answers; for helloworld a node if none runs, for the crawler a scaler"
                        + " (local provider, 1..2 nodes) if none reports. Other options go to the example"
                        + " (crawler: --sites N --pages N --max-rate R --top N)."})
final class DemoCommand implements Callable<Integer> {
    static final Map<String, String> EXAMPLES = Map.of("helloworld", "io.impetus.examples.HelloWorld",
            "crawler", "io.impetus.examples.crawler.Crawler");
    static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "::1");

    @Mixin
    BrokerOptions broker;

    @Option(names = "--taskdir", paramLabel = "DIR", description = "where the example writes its task files (default: tasks)")
    Path taskDir = Path.of("tasks");

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "logs and store of the daemons the demo starts (default: a folder under the temp dir)")
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "impetus-demo");

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXAMPLE", description = "helloworld (default) or crawler")
    String example = "helloworld";

    @Unmatched
    List<String> exampleArgs = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String mainClass = EXAMPLES.get(example);
        if (mainClass == null) {
            throw new ParameterException(spec.commandLine(), "unknown example '" + example + "' (known: helloworld, crawler)");
        }
        ConnectionSettings settings = broker.resolve();
        OwnerOnly.directory(workDir);
        String version = reachBroker(settings, out);
        out.printf("demo: RabbitMQ %s at %s%n", version, settings.redacted());
        out.flush();
        Map<String, String> env = Map.of(SettingsResolver.ENV_URI, settings.uriList(),
                SettingsResolver.ENV_PREFIX, settings.topology().prefix(),
                SigningKey.ENV_FILE, signingKeyFile(out).toString());
        List<ChildJvm> started = new ArrayList<>();
        try (Broker b = Brokers.connect(settings, "impetus demo")) {
            ControlClient control = new ControlClient(b, settings.topology(), Duration.ofSeconds(3), ControlOptions.environmentKey());
            if (!answers(control)) {
                started.add(ChildJvm.start("coordinator", Impetus.class.getName(),
                        List.of("coordinator", "foreground", "--data-dir", workDir.resolve("data").toString()), env,
                        workDir.resolve("coordinator.log")));
                awaitOrFail(() -> answers(control), "the coordinator", started, workDir.resolve("coordinator.log"));
                out.printf("demo: started a coordinator (pid %d, log %s)%n", started.get(0).pid(),
                        workDir.resolve("coordinator.log"));
            } else {
                out.println("demo: using the running coordinator");
            }
            if (example.equals("crawler")) {
                startScalerIfNone(control, env, started, out);
            } else {
                startNodeIfNone(control, env, started, out);
            }
            out.flush();
            List<String> args = new ArrayList<>(List.of("--taskdir", taskDir.toString()));
            args.addAll(exampleArgs);
            ChildJvm run = ChildJvm.start(example, mainClass, args, env, null);
            int code = run.waitFor();
            out.printf("demo: %s finished (exit %d); task files in %s%n", example, code, taskDir.toAbsolutePath());
            return code == 0 ? 0 : Impetus.FAILURE;
        } finally {
            Collections.reverse(started);
            for (ChildJvm c : started) {
                boolean clean = c.stop(60);
                out.printf("demo: stopped the %s%s%n", c.name(), clean ? "" : " (it had to be killed)");
            }
            out.flush();
        }
    }

    private void startNodeIfNone(ControlClient control, Map<String, String> env, List<ChildJvm> started,
                                 PrintWriter out) throws Exception {
        if (!nodes(control).isEmpty()) {
            out.println("demo: using the running nodes");
            return;
        }
        ChildJvm node = ChildJvm.start("node", Impetus.class.getName(),
                List.of("node", "foreground", "-m", "5", "--cache-dir", workDir.resolve("bundles").toString()),
                env, workDir.resolve("node.log"));
        started.add(node);
        awaitOrFail(() -> !nodes(control).isEmpty(), "the node", started, workDir.resolve("node.log"));
        out.printf("demo: started a node (pid %d, log %s)%n", node.pid(), workDir.resolve("node.log"));
    }

    private void startScalerIfNone(ControlClient control, Map<String, String> env, List<ChildJvm> started,
                                   PrintWriter out) throws Exception {
        if (scaler(control) != null) {
            out.println("demo: using the running scaler");
            return;
        }
        Path log = workDir.resolve("scaler.log");
        ChildJvm scaler = ChildJvm.start("scaler", Impetus.class.getName(), List.of("scaler", "foreground",
                "--provider", "local", "--min-nodes", "1", "-n", "2", "-m", "3", "--interval", "2", "--cooldown", "5",
                "--hysteresis", "2", "--idle-time", "60", "-o", "0", "--node-logdir", workDir.resolve("nodes").toString()),
                scalerEnv(env), log);
        started.add(scaler);
        awaitOrFail(() -> scaler(control) != null, "the scaler", started, log);
        out.printf("demo: started a scaler with the local provider, 1..2 nodes (pid %d, log %s, node logs in %s)%n",
                scaler.pid(), log, workDir.resolve("nodes"));
    }

    /** The demo installation's signing key, made (owner-only) on first use; every part the demo starts gets it. */
    private Path signingKeyFile(PrintWriter out) throws IOException {
        Path file = workDir.resolve("signing.key");
        if (!Files.exists(file)) {
            OwnerOnly.file(file);
            Files.writeString(file, SigningKey.generate() + "\n");
            out.printf("demo: made a signing key for this installation in %s%n", file);
        }
        return file;
    }

    /** The demo's scaler gets a random key for its status endpoint, through its environment. */
    private static Map<String, String> scalerEnv(Map<String, String> env) {
        Map<String, String> withKey = new HashMap<>(env);
        withKey.put(ScalerCommand.ENV_HTTP_KEY, UUID.randomUUID().toString());
        return withKey;
    }

    private static ScalerReport scaler(ControlClient control) {
        try {
            return control.call(new ControlRequest.GetScaler(), ScalerReport.class);
        } catch (ImpetusException e) {
            return null;
        }
    }

    /** Connects once; on a local broker that refuses or is down, runs broker-config/apply-local.sh and retries. */
    private String reachBroker(ConnectionSettings settings, PrintWriter out) throws Exception {
        try (Broker b = Brokers.connect(settings, "impetus demo check")) {
            return b.serverVersion();
        } catch (BrokerException e) {
            Path script = Path.of("broker-config", "apply-local.sh");
            boolean fixable = LOCAL.contains(settings.host()) && Files.isExecutable(script)
                    && e.kind() != BrokerException.Kind.OTHER;
            if (!fixable) {
                throw e;
            }
            out.println("demo: " + e.getMessage());
            out.println("demo: making the local RabbitMQ ready with " + script);
            out.flush();
            int code = new ProcessBuilder(script.toString()).inheritIO().start().waitFor();
            if (code != 0) {
                throw new ImpetusException(script + " failed (exit " + code + "); install and start RabbitMQ"
                        + " (apt-get install rabbitmq-server) or point --uri at one");
            }
            try (Broker b = Brokers.connect(settings, "impetus demo check")) {
                return b.serverVersion();
            }
        }
    }

    private static boolean answers(ControlClient control) {
        try {
            control.call(new ControlRequest.ListStreams(false), StreamInfo[].class);
            return true;
        } catch (ImpetusException e) {
            return false;
        }
    }

    private static List<NodeStatus> nodes(ControlClient control) {
        try {
            return List.of(control.call(new ControlRequest.ListNodes(), NodeStatus[].class));
        } catch (ImpetusException e) {
            return List.of();
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitOrFail(Check check, String what, List<ChildJvm> started, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            if (started.stream().anyMatch(c -> !c.isAlive())) {
                break;
            }
            Thread.sleep(200);
        }
        throw new ImpetusException(what + " did not come up; see " + log);
    }
}
