package io.impetus.cli;

import io.impetus.core.error.InvalidPropertyException;
import io.impetus.scaler.provider.NodeProvider;
import io.impetus.scaler.provider.kubernetes.KubernetesProviders;
import io.impetus.scaler.provider.kubernetes.KubernetesSettings;
import io.impetus.scaler.provider.kubernetes.NodePodTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --provider kubernetes}: nodes as pods made from a node pod template, in the scaler's namespace. */
final class KubernetesProviderOptions {
    @Option(names = "--k8s-namespace", paramLabel = "NAMESPACE",
            description = "kubernetes provider: namespace of the node pods (default: the scaler pod's own)")
    String namespace;

    @Option(names = "--k8s-template", paramLabel = "FILE", description = "kubernetes provider: the node pod template file")
    Path templateFile;

    @Option(names = "--k8s-template-configmap", paramLabel = "NAME",
            description = "kubernetes provider: ConfigMap holding the node pod template (in the namespace)")
    String templateConfigMap;

    @Option(names = "--k8s-template-key", paramLabel = "KEY",
            description = "kubernetes provider: key of the template in the ConfigMap (default: node-pod.yaml)")
    String templateKey = NodePodTemplate.DEFAULT_CONFIGMAP_KEY;

    @Option(names = "--k8s-cluster", paramLabel = "NAME",
            description = "kubernetes provider: impetus.io/cluster label of the node pods (default: the topology prefix)")
    String cluster;

    @Option(names = "--k8s-job-timeout", paramLabel = "SECONDS",
            description = "kubernetes provider: the longest job timeout; a node pod gets this + 30 s to drain (default: 600)")
    long jobTimeout = KubernetesSettings.DEFAULT_LONGEST_JOB_TIMEOUT.toSeconds();

    @Option(names = "--k8s-launch-timeout", paramLabel = "SECONDS",
            description = "kubernetes provider: a pod Pending longer is deleted and replaced (default: 300)")
    long launchTimeout = KubernetesSettings.DEFAULT_LAUNCH_TIMEOUT.toSeconds();

    @Option(names = "--k8s-api-server", paramLabel = "URI",
            description = "kubernetes provider: API server (default: the pod's service account, else ~/.kube/config)")
    URI apiServer;

    NodeProvider create(ProviderContext context) {
        try {
            return KubernetesProviders.create(apiServer, KubernetesSettings.builder().namespace(namespace)
                    .cluster(cluster != null ? cluster : context.settings().topology().prefix())
                    .longestJobTimeout(Duration.ofSeconds(jobTimeout)).launchTimeout(Duration.ofSeconds(launchTimeout))
                    .mpps(context.mpps()), templateFile, templateConfigMap, templateKey);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("kubernetes", e.getMessage());
        }
    }
}
