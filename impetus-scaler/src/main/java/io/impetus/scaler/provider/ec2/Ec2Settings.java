package io.impetus.scaler.provider.ec2;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the EC2 provider launches nodes.
 *
 * @param ami the image (needs a shell, apt-get or a JRE, and curl)
 * @param instanceType e.g. t3.small
 * @param subnetId subnet, or {@code null} for the default
 * @param securityGroupIds security groups, may be empty
 * @param keyName SSH key pair, or {@code null}
 * @param instanceProfile IAM instance profile name, or {@code null}
 * @param cluster value of the {@code impetus:cluster} tag that marks this installation's nodes
 * @param userDataTemplate the bootstrap script with {@code {{KEY}}} placeholders
 * @param templateValues values for the placeholders (broker address, authkey, mpps, ...)
 * @param launchTimeout how long to wait for a launched instance to run; never forever
 * @param endpoint an EC2 endpoint override (tests, other clouds), or {@code null} for AWS
 * @param region the AWS region, e.g. {@code eu-west-1}, or {@code null} for the SDK's chain
 *     ({@code AWS_REGION}, the profile, instance metadata)
 */
public record Ec2Settings(String ami, String instanceType, String subnetId, List<String> securityGroupIds,
                          String keyName, String instanceProfile, String cluster, String userDataTemplate,
                          Map<String, String> templateValues, Duration launchTimeout, URI endpoint,
                          String region) {
    public static final String DEFAULT_INSTANCE_TYPE = "t3.small";
    public static final Duration DEFAULT_LAUNCH_TIMEOUT = Duration.ofMinutes(5);
    public static final String CLUSTER_TAG = "impetus:cluster";

    public Ec2Settings {
        if (ami == null || ami.isBlank()) {
            throw new IllegalArgumentException("the ec2 provider needs an AMI (--ec2-ami)");
        }
        Objects.requireNonNull(cluster, "cluster");
        securityGroupIds = List.copyOf(securityGroupIds);
        templateValues = Map.copyOf(templateValues);
        instanceType = instanceType == null ? DEFAULT_INSTANCE_TYPE : instanceType;
        launchTimeout = launchTimeout == null ? DEFAULT_LAUNCH_TIMEOUT : launchTimeout;
        if (region != null && !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            throw new IllegalArgumentException("--ec2-region must look like eu-west-1, was '" + region + "'");
        }
    }

    /**
     * The bootstrap script with every {@code {{KEY}}} replaced; an unknown placeholder is an error.
     * The template puts each placeholder in a single-quoted shell word or in a heredoc whose
     * delimiter is quoted (no expansion), so a value is never run as shell; a value that could
     * leave those (a quote, a line break or another control character) is refused here.
     */
    public String renderUserData() {
        String out = userDataTemplate;
        for (Map.Entry<String, String> e : templateValues.entrySet()) {
            String v = e.getValue();
            if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\'' || c == '`')) {
                throw new IllegalArgumentException("the bootstrap value " + e.getKey() + " has a quote, a backquote, a"
                        + " line break or another control character; it cannot go into the script safely");
            }
            out = out.replace("{{" + e.getKey() + "}}", v);
        }
        int open = out.indexOf("{{");
        if (open >= 0) {
            throw new IllegalArgumentException("the bootstrap template has a placeholder with no value: "
                    + out.substring(open, Math.min(out.length(), out.indexOf("}}", open) + 2)));
        }
        return out;
    }
}
