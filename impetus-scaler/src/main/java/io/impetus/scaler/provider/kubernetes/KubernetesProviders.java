package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Builds the Kubernetes provider. The client finds the cluster as kubectl does: in a pod, its service
 * account's token, namespace and the API server from the environment; outside, {@code ~/.kube/config}
 * or {@code KUBECONFIG}. Callers outside this package never handle a client type.
 */
public final class KubernetesProviders {
    private KubernetesProviders() {
    }

    /**
     * The provider, having listed (adopted) the node pods that are already there.
     *
     * @param apiServer the API server, or {@code null} for the client's own discovery
     * @param settings everything but the template and, when it has none, the namespace (then the pod's own)
     * @param templateFile the node pod template file, or {@code null}
     * @param configMap the ConfigMap holding it instead, or {@code null}
     * @param key the ConfigMap's key of it
     * @throws IllegalArgumentException for a bad value or template, with what to fix
     */
    public static KubernetesNodeProvider create(URI apiServer, KubernetesSettings.Builder settings, Path templateFile,
                                                String configMap, String key) {
        if ((templateFile == null) == (configMap == null)) {
            throw new IllegalArgumentException("--provider kubernetes needs the node pod template: either --k8s-template"
                    + " FILE or --k8s-template-configmap NAME (see deploy/kubernetes/base/node-pod-template.yaml)");
        }
        KubernetesClient client = client(apiServer);
        try {
            String namespace = settings.namespace() != null ? settings.namespace() : client.getNamespace();
            if (namespace == null) {
                throw new IllegalArgumentException("--provider kubernetes needs --k8s-namespace (outside a pod there is"
                        + " no namespace of its own)");
            }
            NodePodTemplate template = templateFile != null ? NodePodTemplate.fromFile(templateFile)
                    : NodePodTemplate.fromConfigMap(client, namespace, configMap, key);
            KubernetesNodeProvider provider = new KubernetesNodeProvider(client,
                    settings.namespace(namespace).template(template).build());
            provider.adopt();
            return provider;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static KubernetesClient client(URI apiServer) {
        try {
            Config config = apiServer == null ? Config.autoConfigure(null)
                    : new ConfigBuilder(Config.autoConfigure(null)).withMasterUrl(apiServer.toString()).build();
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (KubernetesClientException e) {
            throw new IllegalArgumentException("the kubernetes provider cannot reach a cluster: " + e.getMessage()
                    + " (in a pod it uses its service account; elsewhere ~/.kube/config or KUBECONFIG)", e);
        }
    }
}
