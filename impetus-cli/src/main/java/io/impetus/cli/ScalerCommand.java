package io.impetus.cli;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.core.security.SigningKey;
import io.impetus.scaler.Scaler;
import io.impetus.scaler.ScalerOptions;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.provider.NoneProvider;
import io.impetus.scaler.scaling.ScalingPolicy;
import io.impetus.scaler.scaling.SeedPolicy;
import io.impetus.scaler.scaling.TargetPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code impetus scaler start|stop|restart|foreground}: the seed's DFS. Its own -d/-o/-u bind its
 * status endpoint; -q/-p/-a (--qport, --qauthkey) find the broker, as in the seed.
 */
@Command(name = "scaler", aliases = "dfs", mixinStandardHelpOptions = true,
        description = "The scaler (the seed's DFS): reads the backlog and starts, drains and stops nodes.")
final class ScalerCommand extends DaemonCommand {
    @Option(names = {"-d", "--dfs", "--http-bind"}, paramLabel = "DFS",
            description = "address to bind the status endpoint (/status, /metrics) to (default: 127.0.0.1)")
    String bindHost = "127.0.0.1";

    @Option(names = {"-o", "--port", "--http-port"}, paramLabel = "PORT",
            description = "port of the status endpoint (default: 50001; env IMPETUS_HTTP_PORT)")
    int bindPort = ScalerOptions.DEFAULT_HTTP_PORT;

    @Option(names = {"-u", "--authkey"}, paramLabel = "AUTHKEY",
            description = "key (basic-auth password) of the status endpoint; env IMPETUS_HTTP_KEY")
    String statusAuthkey;

    @Mixin
    SigningOptions signing;

    @Option(names = "--http-key-file", paramLabel = "FILE", description = "read the status endpoint's key from FILE")
    Path httpKeyFile;

    @Option(names = "--insecure-http", description = "serve the status endpoint without a key")
    boolean insecureHttp;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", description = "RabbitMQ host (default: localhost)")
    String host;

    @Option(names = {"-p", "--qport"}, paramLabel = "QPORT", description = "RabbitMQ AMQP port (default: 5672)")
    Integer port;

    @Option(names = {"-a", "--qauthkey"}, paramLabel = "QAUTHKEY", description = "RabbitMQ password of the impetus user")
    String authkey;

    @Option(names = "--authkey-file", paramLabel = "FILE", description = "read the RabbitMQ password from FILE")
    Path authkeyFile;

    @Option(names = "--user", paramLabel = "USER", description = "RabbitMQ user (default: impetus; the scaler's own:"
            + " impetus-scaler, docs/SECURITY.md)")
    String user;

    @Option(names = "--uri", paramLabel = "URI", description = "whole broker URI (env IMPETUS_RABBITMQ_URI)")
    String uri;

    @Option(names = "--vhost", paramLabel = "VHOST", description = "RabbitMQ virtual host (default: /)")
    String vhost;

    @Option(names = "--management-uri", paramLabel = "URI", description = "management API (default: http://HOST:15672)")
    String managementUri;

    @Option(names = "--config", paramLabel = "FILE", description = "config file (env IMPETUS_CONFIG)")
    Path config;

    @Option(names = "--provider", paramLabel = "local|ec2|kubernetes|none",
            description = "where nodes come from (default: local)")
    String provider = "local";

    @Mixin
    LocalProviderOptions local;

    @Mixin
    Ec2ProviderOptions ec2;

    @Mixin
    KubernetesProviderOptions kubernetes;

    @Option(names = "--policy", paramLabel = "seed|target", description = "how many nodes are wanted (default: seed)")
    String policy = "seed";

    @Option(names = "--min-nodes", description = "fewest nodes kept (default: 0)")
    int minNodes;

    @Option(names = {"-n", "--max-nodes"}, description = "most nodes, the seed's mnon (default: 3)")
    int maxNodes = ScalerOptions.DEFAULT_MAX_NODES;

    @Option(names = {"-m", "--mpps"}, description = "worker processes per stream of launched nodes (default: 5)")
    int mpps = ScalerOptions.DEFAULT_MPPS;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "seconds between passes (default: 5)")
    double interval = ScalerOptions.DEFAULT_INTERVAL.toSeconds();

    @Option(names = "--cooldown", paramLabel = "SECONDS", description = "no launch within this after the last (default: 30)")
    double cooldown = ScalerOptions.DEFAULT_COOLDOWN.toSeconds();

    @Option(names = "--hysteresis", paramLabel = "PASSES", description = "passes in a row wanting fewer nodes before scaling in (default: 3)")
    int hysteresis = ScalerOptions.DEFAULT_HYSTERESIS_PASSES;

    @Option(names = "--idle-time", paramLabel = "SECONDS", description = "a node idle this long may be drained (default: 300)")
    double idleTime = ScalerOptions.DEFAULT_IDLE_TIME.toSeconds();

    @Option(names = "--latency", paramLabel = "SECONDS", description = "target policy: acceptable backlog latency (default: 60)")
    double latency = 60;

    @Override
    String fileName() {
        return "Scaler";
    }

    @Override
    AutoCloseable startHere() {
        BrokerOptions b = new BrokerOptions();
        b.host = host;
        b.port = port;
        b.authkey = authkey != null ? authkey : BrokerOptions.readKey(authkeyFile);
        b.user = user;
        b.uri = uri;
        b.vhost = vhost;
        b.managementUri = managementUri;
        b.config = config;
        ConnectionSettings settings = b.resolve();
        Map<String, String> nodeEnv = new HashMap<>();
        nodeEnv.put(SettingsResolver.ENV_URI, settings.uriList());
        nodeEnv.put(SettingsResolver.ENV_PREFIX, settings.topology().prefix());
        nodeEnv.put(SettingsResolver.ENV_MANAGEMENT_URI, settings.managementUriList());
        String signingKey = signing.text();
        if (signingKey != null) {
            nodeEnv.put(SigningKey.ENV, signingKey); // the nodes it starts sign and check too
        }
        ProviderContext context = new ProviderContext(settings, mpps, nodeEnv, daemon.logdir);
        NodeProvider nodes = switch (provider) {
            case "local" -> local.create(context);
            case "ec2" -> ec2.create(context);
            case "kubernetes" -> kubernetes.create(context);
            case "none" -> new NoneProvider();
            default -> throw new InvalidPropertyException("provider", "--provider must be local, ec2, kubernetes or none,"
                    + " was '" + provider + "'");
        };
        ScalingPolicy p = switch (policy) {
            case "seed" -> new SeedPolicy(maxNodes);
            case "target" -> new TargetPolicy(latency, 1.0);
            default -> throw new InvalidPropertyException("policy", "--policy must be seed or target, was '" + policy + "'");
        };
        Scaler scaler;
        try {
            scaler = new Scaler(ScalerOptions.builder(settings, nodes, p).minNodes(minNodes).maxNodes(maxNodes).mpps(mpps)
                    .interval(seconds(interval)).cooldown(seconds(cooldown)).hysteresisPasses(hysteresis)
                    .idleTime(seconds(idleTime)).http(bindHost, bindPort, httpKey()).clock(Clock.systemUTC())
                    .signingKey(signing.resolve()).build());
        } catch (IllegalArgumentException e) {
            nodes.close();
            throw new InvalidPropertyException("scaler", e.getMessage());
        }
        try {
            scaler.start();
        } catch (RuntimeException e) {
            scaler.close();
            throw e;
        }
        return scaler;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    /** The endpoint's key: -u, --http-key-file or IMPETUS_HTTP_KEY; never the broker password; none only with --insecure-http. */
    private String httpKey() {
        String key = statusAuthkey;
        if (key == null && httpKeyFile != null) {
            try {
                key = Files.readString(httpKeyFile).strip();
            } catch (IOException e) {
                throw new InvalidPropertyException("http-key-file", "cannot read --http-key-file " + httpKeyFile + ": " + e);
            }
        }
        if (key == null) {
            key = System.getenv(ENV_HTTP_KEY);
        }
        if (key != null && !key.isBlank()) {
            DaemonEndpoint.refuseDefaultKeyWhenPublished("scaler", key,
                    System.getenv(DaemonEndpoint.ENV_PUBLISHED_ON));
            return key;
        }
        if (insecureHttp) {
            return null;
        }
        throw new InvalidPropertyException("http-key", "the status endpoint needs its own key:"
                + " -u KEY, --http-key-file FILE or " + ENV_HTTP_KEY + " (not the broker password); or --insecure-http"
                + " to serve it without one");
    }

    static final String ENV_HTTP_KEY = "IMPETUS_HTTP_KEY";
}
