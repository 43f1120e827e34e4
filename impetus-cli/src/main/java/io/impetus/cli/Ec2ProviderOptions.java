package io.impetus.cli;

import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.provider.ec2.Ec2Providers;
import io.impetus.scaler.provider.ec2.Ec2Settings;
import io.impetus.scaler.provider.ec2.Ec2Templates;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --provider ec2}: nodes as EC2 instances, booted by a script that reads their secrets from SSM. */
final class Ec2ProviderOptions {
    @Option(names = "--ec2-ami", paramLabel = "AMI", description = "ec2 provider: image of the nodes")
    String ec2Ami;

    @Option(names = "--ec2-instance-type", paramLabel = "TYPE", description = "ec2 provider: instance type (default: t3.small)")
    String ec2InstanceType;

    @Option(names = "--ec2-subnet", paramLabel = "SUBNET", description = "ec2 provider: subnet id")
    String ec2Subnet;

    @Option(names = "--ec2-security-group", paramLabel = "SG", description = "ec2 provider: security group id (repeatable)")
    List<String> ec2SecurityGroups = new ArrayList<>();

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
    URI ec2Endpoint;

    NodeProvider create(ProviderContext context) {
        ConnectionSettings settings = context.settings();
        if (ec2DistUrl == null) {
            throw new InvalidPropertyException("ec2-dist-url", "--provider ec2 needs --ec2-dist-url: where nodes download"
                    + " the Impetus distribution");
        }
        String template;
        try {
            template = ec2UserData == null ? Ec2Templates.defaultBootstrap()
                    : Files.readString(ec2UserData);
        } catch (IOException e) {
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
                Map.entry("DIST_SHA256", ec2DistSha256.toLowerCase(Locale.ROOT)),
                Map.entry("BROKER_HOST", settings.host()), Map.entry("BROKER_PORT", String.valueOf(settings.port())),
                Map.entry("BROKER_USER", settings.user()), Map.entry("AUTHKEY_PARAMETER", ec2AuthkeyParameter),
                Map.entry("SIGNING_KEY_PARAMETER", ec2SigningKeyParameter),
                Map.entry("VHOST", settings.vhost()), Map.entry("PREFIX", settings.topology().prefix()),
                Map.entry("MPPS", String.valueOf(context.mpps())));
        try {
            Ec2Settings s = new Ec2Settings(ec2Ami,
                    ec2InstanceType, ec2Subnet, ec2SecurityGroups, ec2KeyName, ec2InstanceProfile,
                    ec2Cluster != null ? ec2Cluster : settings.topology().prefix(), template, values, null, ec2Endpoint,
                    ec2Region);
            s.renderUserData();
            return Ec2Providers.create(s);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("ec2", e.getMessage());
        }
    }
}
