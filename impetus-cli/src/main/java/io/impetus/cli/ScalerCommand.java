package io.impetus.cli;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.http.DaemonEndpoint;
import io.impetus.scaler.Scaler;
import io.impetus.scaler.ScalerOptions;
import io.impetus.scaler.provider.LocalNodeProvider;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.provider.NoneProvider;
import io.impetus.scaler.scaling.ScalingPolicy;
import io.impetus.scaler.scaling.SeedPolicy;
import io.impetus.scaler.scaling.TargetPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
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

    @picocli.CommandLine.Mixin
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

    @Option(names = "--uri", paramLabel = "URI", description = "whole broker URI (env IMPETUS_RABBITMQ_URI)")
    String uri;

    @Option(names = "--vhost", paramLabel = "VHOST", description = "RabbitMQ virtual host (default: /)")
    String vhost;

    @Option(names = "--management-uri", paramLabel = "URI", description = "management API (default: http://HOST:15672)")
    String managementUri;

    @Option(names = "--config", paramLabel = "FILE", description = "config file (env IMPETUS_CONFIG)")
    Path config;

    @Option(names = "--provider", paramLabel = "local|none", description = "where nodes come from (default: local)")
    String provider = "local";

    @Option(names = "--policy", paramLabel = "seed|target", description = "how many nodes are wanted (default: seed)")
    String policy = "seed";

    @Option(names = "--min-nodes", description = "fewest nodes kept (default: 0)")
    int minNodes;

    @Option(names = {"-n", "--max-nodes"}, description = "most nodes, the seed's mnon (default: 3)")
    int maxNodes = ScalerOptions.DEFAULT_MAX_NODES;

    @Option(names = {"-m", "--mpps"}, description = "worker processes per stream of launched nodes (default: 5)")
    int mpps = 5;

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

    @Option(names = "--node-logdir", paramLabel = "DIR", description = "local provider: node logs (default: LOGDIR/nodes)")
    Path nodeLogDir;

    @Option(names = "--ec2-ami", paramLabel = "AMI", description = "ec2 provider: image of the nodes")
    String ec2Ami;

    @Option(names = "--ec2-instance-type", paramLabel = "TYPE", description = "ec2 provider: instance type (default: t3.small)")
    String ec2InstanceType;

    @Option(names = "--ec2-subnet", paramLabel = "SUBNET", description = "ec2 provider: subnet id")
    String ec2Subnet;

    @Option(names = "--ec2-security-group", paramLabel = "SG", description = "ec2 provider: security group id (repeatable)")
    java.util.List<String> ec2SecurityGroups = new java.util.ArrayList<>();

    @Option(names = "--ec2-key-name", paramLabel = "KEY", description = "ec2 provider: SSH key pair name")
    String ec2KeyName;

    @Option(names = "--ec2-instance-profile", paramLabel = "PROFILE", description = "ec2 provider: IAM instance profile name")
    String ec2InstanceProfile;

    @Option(names = "--ec2-cluster", paramLabel = "NAME", description = "ec2 provider: impetus:cluster tag (default: the topology prefix)")
    String ec2Cluster;

    @Option(names = "--ec2-dist-url", paramLabel = "URL", description = "ec2 provider: where nodes download the Impetus distribution (tar.gz)")
    String ec2DistUrl;

    @Option(names = "--ec2-dist-sha256", paramLabel = "HEX",
            description = "ec2 provider: SHA-256 of the distribution at --ec2-dist-url; a node checks it before unpacking")
    String ec2DistSha256;

    @Option(names = "--ec2-authkey-parameter", paramLabel = "NAME",
            description = "ec2 provider: SSM Parameter Store SecureString holding the broker password, read by each node"
                    + " at boot with its instance profile (never put in user data)")
    String ec2AuthkeyParameter;

    @Option(names = "--ec2-signing-key-parameter", paramLabel = "NAME",
            description = "ec2 provider: SSM SecureString holding the installation's signing key, read by each node at boot")
    String ec2SigningKeyParameter;

    @Option(names = "--ec2-user-data", paramLabel = "FILE", description = "ec2 provider: bootstrap template (default: the one shipped)")
    Path ec2UserData;

    @Option(names = "--ec2-region", paramLabel = "REGION",
            description = "ec2 provider: AWS region, e.g. eu-west-1 (default: the SDK's chain: AWS_REGION, profile, instance metadata)")
    String ec2Region;

    @Option(names = "--ec2-endpoint", paramLabel = "URI", description = "ec2 provider: endpoint override (default: AWS)")
    java.net.URI ec2Endpoint;

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
            nodeEnv.put(io.impetus.core.security.SigningKey.ENV, signingKey); // the nodes it starts sign and check too
        }
        NodeProvider nodes = switch (provider) {
            case "local" -> new LocalNodeProvider(mpps, nodeEnv, nodeLogDir != null ? nodeLogDir : daemon.logdir.resolve("nodes"));
            case "none" -> new NoneProvider();
            case "ec2" -> ec2(settings);
            default -> throw new InvalidPropertyException("provider", "--provider must be local, ec2 or none, was '"
                    + provider + "'");
        };
        ScalingPolicy p = switch (policy) {
            case "seed" -> new SeedPolicy(maxNodes);
            case "target" -> new TargetPolicy(latency, 1.0);
            default -> throw new InvalidPropertyException("policy", "--policy must be seed or target, was '" + policy + "'");
        };
        Scaler scaler;
        try {
            scaler = new Scaler(new ScalerOptions(settings, nodes, p, minNodes, maxNodes, mpps, seconds(interval), seconds(cooldown),
                    hysteresis, seconds(idleTime), bindHost, bindPort, httpKey(), Clock.systemUTC(),
                    signing.resolve()));
        } catch (IllegalArgumentException e) {
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

    private NodeProvider ec2(ConnectionSettings settings) {
        if (ec2DistUrl == null) {
            throw new InvalidPropertyException("ec2-dist-url", "--provider ec2 needs --ec2-dist-url: where nodes download"
                    + " the Impetus distribution");
        }
        String template;
        try {
            template = ec2UserData == null ? io.impetus.scaler.provider.ec2.Ec2Templates.defaultBootstrap()
                    : java.nio.file.Files.readString(ec2UserData);
        } catch (java.io.IOException e) {
            throw new InvalidPropertyException("ec2-user-data", "cannot read " + ec2UserData + ": " + e.getMessage());
        }
        if (ec2DistSha256 == null || !ec2DistSha256.matches("[0-9a-fA-F]{64}")) {
            throw new InvalidPropertyException("ec2-dist-sha256", "--provider ec2 needs --ec2-dist-sha256: the SHA-256"
                    + " (64 hex digits) of the distribution, which each node checks before it unpacks it");
        }
        if (ec2AuthkeyParameter == null || ec2AuthkeyParameter.isBlank()) {
            throw new InvalidPropertyException("ec2-authkey-parameter", "--provider ec2 needs --ec2-authkey-parameter:"
                    + " the SSM Parameter Store SecureString with the broker password (nodes read it at boot; it is"
                    + " never put in user data)");
        }
        if (ec2SigningKeyParameter == null || ec2SigningKeyParameter.isBlank()) {
            throw new InvalidPropertyException("ec2-signing-key-parameter", "--provider ec2 needs"
                    + " --ec2-signing-key-parameter: the SSM SecureString with the installation's signing key (a node"
                    + " runs only signed jobs)");
        }
        Map<String, String> values = Map.ofEntries(Map.entry("DIST_URL", ec2DistUrl),
                Map.entry("DIST_SHA256", ec2DistSha256.toLowerCase(java.util.Locale.ROOT)),
                Map.entry("BROKER_HOST", settings.host()), Map.entry("BROKER_PORT", String.valueOf(settings.port())),
                Map.entry("BROKER_USER", settings.user()), Map.entry("AUTHKEY_PARAMETER", ec2AuthkeyParameter),
                Map.entry("SIGNING_KEY_PARAMETER", ec2SigningKeyParameter),
                Map.entry("VHOST", settings.vhost()), Map.entry("PREFIX", settings.topology().prefix()),
                Map.entry("MPPS", String.valueOf(mpps)));
        try {
            io.impetus.scaler.provider.ec2.Ec2Settings s = new io.impetus.scaler.provider.ec2.Ec2Settings(ec2Ami,
                    ec2InstanceType, ec2Subnet, ec2SecurityGroups, ec2KeyName, ec2InstanceProfile,
                    ec2Cluster != null ? ec2Cluster : settings.topology().prefix(), template, values, null, ec2Endpoint,
                    ec2Region);
            s.renderUserData();
            return io.impetus.scaler.provider.ec2.Ec2Providers.create(s);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("ec2", e.getMessage());
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    /** The endpoint's key: -u, --http-key-file or IMPETUS_HTTP_KEY; never the broker password; none only with --insecure-http. */
    private String httpKey() {
        String key = statusAuthkey;
        if (key == null && httpKeyFile != null) {
            try {
                key = java.nio.file.Files.readString(httpKeyFile).strip();
            } catch (java.io.IOException e) {
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
