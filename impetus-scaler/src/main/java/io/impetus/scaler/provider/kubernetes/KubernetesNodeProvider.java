package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.impetus.core.error.ImpetusException;
import io.impetus.scaler.provider.NodeProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as pods (fabric8 Kubernetes client): launch creates pods from the node pod template in the
 * scaler's namespace, labelled {@code app.kubernetes.io/name=impetus-node} and
 * {@code impetus.io/cluster=CLUSTER}; list selects them by those labels, so a restarted scaler
 * adopts the pods it finds; terminate deletes a pod, which the scaler does only once the node has
 * drained (the same drain request and heartbeat the other providers use). A pod deleted by anyone
 * else drains through its {@code preStop} hook within its grace period. The node id is the pod name.
 * A pod that ended (Succeeded, Failed) or stayed Pending past the launch timeout is deleted and not
 * listed, so the scaler replaces it. Called from the scaler's one loop thread.
 */
public final class KubernetesNodeProvider implements NodeProvider {
    private static final Logger log = LoggerFactory.getLogger(KubernetesNodeProvider.class);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final NodePods pods;

    public KubernetesNodeProvider(KubernetesClient client, KubernetesSettings settings) {
        this.client = client;
        this.settings = settings;
        this.pods = new NodePods(settings);
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    /** Lists the node pods already there (a scaler restarted), logs them, and returns their ids. */
    public List<String> adopt() {
        List<String> found = list();
        log.info("provider kubernetes: namespace {}, cluster {}, template {}, grace period {} s; adopted {} node"
                + " pod(s) already running: {}", settings.namespace(), settings.cluster(), settings.template().source(),
                settings.gracePeriod().toSeconds(), found.size(), found);
        return found;
    }

    @Override
    public List<String> launch(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Pod pod = pods.newPod();
            try {
                client.pods().inNamespace(settings.namespace()).resource(pod).create();
            } catch (KubernetesClientException e) {
                log.error("provider kubernetes: cannot create node pod {} in namespace {} (HTTP {}): {}",
                        pod.getMetadata().getName(), settings.namespace(), e.getCode(), e.getMessage());
                break; // a quota or RBAC refusal holds for the rest too; the next pass tries again
            }
            ids.add(pod.getMetadata().getName());
            log.info("provider kubernetes: launched node pod {} (image {})", pod.getMetadata().getName(),
                    NodePodTemplate.nodeContainer(pod).getImage());
        }
        return ids;
    }

    @Override
    public List<String> list() {
        List<Pod> found;
        try {
            found = client.pods().inNamespace(settings.namespace()).withLabels(pods.selector()).list().getItems();
        } catch (KubernetesClientException e) {
            throw new ImpetusException("provider kubernetes: cannot list node pods in namespace " + settings.namespace()
                    + " (HTTP " + e.getCode() + "): " + e.getMessage(), true, e);
        }
        Instant now = settings.clock().instant();
        List<String> alive = new ArrayList<>();
        for (Pod p : found) {
            String name = p.getMetadata().getName();
            String phase = p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
            if (p.getMetadata().getDeletionTimestamp() != null) {
                continue; // being deleted: it drains through its preStop hook and is no longer the scaler's
            }
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                log.warn("provider kubernetes: node pod {} ended ({}); deleting it", name, phase);
                delete(name);
            } else if ("Pending".equals(phase) && pendingTooLong(p, now)) {
                log.warn("provider kubernetes: node pod {} stayed Pending over {} s (no room in the cluster, or its"
                        + " image cannot be pulled?); deleting it", name, settings.launchTimeout().toSeconds());
                delete(name);
            } else {
                alive.add(name);
            }
        }
        return alive;
    }

    private boolean pendingTooLong(Pod p, Instant now) {
        String created = p.getMetadata().getCreationTimestamp();
        if (created == null) {
            return false;
        }
        return Duration.between(Instant.parse(created), now).compareTo(settings.launchTimeout()) > 0;
    }

    @Override
    public void terminate(String nodeId) {
        delete(nodeId);
        log.info("provider kubernetes: deleted node pod {}", nodeId);
    }

    private void delete(String name) {
        try {
            client.pods().inNamespace(settings.namespace()).withName(name).delete();
        } catch (KubernetesClientException e) {
            log.error("provider kubernetes: cannot delete node pod {} (HTTP {}): {}", name, e.getCode(), e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
