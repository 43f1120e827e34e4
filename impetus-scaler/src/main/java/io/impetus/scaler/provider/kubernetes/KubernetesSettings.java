package io.impetus.scaler.provider.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the Kubernetes provider runs node pods. Build with {@link #builder()}; a bad value is refused
 * with the option that sets it.
 *
 * @param namespace the namespace the scaler runs its node pods in (its RBAC is there only)
 * @param cluster value of the {@value #CLUSTER_LABEL} label that marks this installation's pods
 * @param template the node pod template, already checked
 * @param longestJobTimeout the longest job timeout of the streams the nodes run: a node pod gets at
 *     least this long to drain when it is deleted
 * @param launchTimeout how long a pod may stay Pending before it is deleted and counted as not started
 * @param mpps worker processes per stream of the nodes
 * @param clock time source (pending pods' age)
 */
public record KubernetesSettings(String namespace, String cluster, NodePodTemplate template, Duration longestJobTimeout,
                                 Duration launchTimeout, int mpps, Clock clock) {
    public static final String CLUSTER_LABEL = "impetus.io/cluster";
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String NODE_NAME = "impetus-node";
    public static final String MANAGER = "impetus-scaler";
    public static final Duration DEFAULT_LONGEST_JOB_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_LAUNCH_TIMEOUT = Duration.ofMinutes(5);
    /** Added to the longest job timeout: the JVM's stop and the node's last heartbeat. */
    public static final Duration GRACE_MARGIN = Duration.ofSeconds(30);

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
    private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)";

    public KubernetesSettings {
        if (namespace == null || !namespace.matches(DNS_LABEL)) {
            throw new IllegalArgumentException("--k8s-namespace must be a Kubernetes namespace name (lower case letters,"
                    + " digits and '-', at most 63), was '" + namespace + "'");
        }
        if (cluster == null || !cluster.matches(LABEL_VALUE)) {
            throw new IllegalArgumentException("--k8s-cluster must be a label value (letters, digits, '-', '_', '.',"
                    + " at most 63, starting and ending with a letter or digit), was '" + cluster + "'");
        }
        Objects.requireNonNull(template, "the node pod template (--k8s-template or --k8s-template-configmap)");
        longestJobTimeout = longestJobTimeout == null ? DEFAULT_LONGEST_JOB_TIMEOUT : longestJobTimeout;
        if (longestJobTimeout.isNegative() || longestJobTimeout.isZero()) {
            throw new IllegalArgumentException("--k8s-job-timeout must be positive, was " + longestJobTimeout.toSeconds() + " s");
        }
        launchTimeout = launchTimeout == null ? DEFAULT_LAUNCH_TIMEOUT : launchTimeout;
        if (launchTimeout.isNegative() || launchTimeout.isZero()) {
            throw new IllegalArgumentException("--k8s-launch-timeout must be positive, was " + launchTimeout.toSeconds() + " s");
        }
        if (mpps < 1) {
            throw new IllegalArgumentException("--mpps must be at least 1, was " + mpps);
        }
        clock = clock == null ? Clock.systemUTC() : clock;
        template.checkGracePeriod(longestJobTimeout);
        template.checkMpps(mpps);
    }

    /** What a node pod gets between its deletion and its kill: the longest job plus {@link #GRACE_MARGIN}. */
    public Duration gracePeriod() {
        return longestJobTimeout.plus(GRACE_MARGIN);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link KubernetesSettings}; {@link #build()} checks every value. */
    public static final class Builder {
        private String namespace;
        private String cluster;
        private NodePodTemplate template;
        private Duration longestJobTimeout;
        private Duration launchTimeout;
        private int mpps = 5;
        private Clock clock;

        public Builder namespace(String v) { namespace = v; return this; }
        /** The namespace set so far, or {@code null}. */
        public String namespace() { return namespace; }
        public Builder cluster(String v) { cluster = v; return this; }
        public Builder template(NodePodTemplate v) { template = v; return this; }
        public Builder longestJobTimeout(Duration v) { longestJobTimeout = v; return this; }
        public Builder launchTimeout(Duration v) { launchTimeout = v; return this; }
        public Builder mpps(int v) { mpps = v; return this; }
        public Builder clock(Clock v) { clock = v; return this; }

        public KubernetesSettings build() {
            return new KubernetesSettings(namespace, cluster, template, longestJobTimeout, launchTimeout, mpps, clock);
        }
    }
}
