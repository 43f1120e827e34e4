package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Builds the Kubernetes provider. The client finds the cluster as kubectl does: in a pod, its service
 * account's token and the API server from the environment; outside, {@code ~/.kube/config} or
 * {@code KUBECONFIG}.
 */
public final class KubernetesProviders {
    private KubernetesProviders() {
    }

    /** A client for the cluster this process runs in or points at. */
    public static KubernetesClient client() {
        try {
            return new KubernetesClientBuilder().build();
        } catch (KubernetesClientException e) {
            throw new IllegalArgumentException("the kubernetes provider cannot reach a cluster: " + e.getMessage()
                    + " (in a pod it uses its service account; elsewhere ~/.kube/config or KUBECONFIG)", e);
        }
    }

    /** The provider, having listed (adopted) the node pods that are already there. */
    public static KubernetesNodeProvider create(KubernetesClient client, KubernetesSettings settings) {
        KubernetesNodeProvider provider = new KubernetesNodeProvider(client, settings);
        provider.adopt();
        return provider;
    }

    /** The namespace this pod runs in (its service account's), or {@code null} outside a pod. */
    public static String ownNamespace(KubernetesClient client) {
        return client.getNamespace();
    }
}
