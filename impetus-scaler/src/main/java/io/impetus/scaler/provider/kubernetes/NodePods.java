package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LifecycleBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a node pod from the template: its name (which is also the node's id: {@code IMPETUS_NODE_ID}
 * comes from {@code metadata.name}), the labels the scaler finds it by, restartPolicy Never, a grace
 * period no shorter than the longest job, a {@code preStop} hook that drains the node, and the node's
 * {@code --mpps} and {@code --drain-timeout}.
 */
final class NodePods {
    static final String NODE_ID_VARIABLE = "IMPETUS_NODE_ID";
    /**
     * SIGTERM makes a node drain (take no job, finish the running ones, exit); the hook sends it and
     * waits, so a pod deleted by anyone (kubectl, a node drain of the cluster, an eviction) drains first.
     * PID 1 is the node's JVM (the image's entrypoint execs it).
     */
    static final List<String> PRE_STOP = List.of("/bin/sh", "-c",
            "kill -TERM 1; while kill -0 1 2>/dev/null; do sleep 1; done");
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesSettings settings;

    NodePods(KubernetesSettings settings) {
        this.settings = settings;
    }

    /** The labels every node pod of this installation has: what list() selects on (sorted: one selector text). */
    Map<String, String> selector() {
        return new TreeMap<>(Map.of(KubernetesSettings.NAME_LABEL, KubernetesSettings.NODE_NAME,
                KubernetesSettings.CLUSTER_LABEL, settings.cluster()));
    }

    Pod newPod() {
        Pod pod = settings.template().copy();
        String name = KubernetesSettings.NODE_NAME + "-" + suffix();
        ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        meta.setName(name);
        meta.setGenerateName(null);
        meta.setNamespace(settings.namespace());
        Map<String, String> labels = new HashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.putAll(selector());
        labels.put(KubernetesSettings.MANAGED_BY_LABEL, KubernetesSettings.MANAGER);
        meta.setLabels(labels);
        pod.setMetadata(meta);

        pod.getSpec().setRestartPolicy("Never");
        long grace = settings.gracePeriod().toSeconds();
        Long given = pod.getSpec().getTerminationGracePeriodSeconds();
        pod.getSpec().setTerminationGracePeriodSeconds(given == null ? grace : Math.max(given, grace));

        Container node = NodePodTemplate.nodeContainer(pod);
        List<EnvVar> env = new ArrayList<>(node.getEnv() == null ? List.of() : node.getEnv());
        env.removeIf(e -> NODE_ID_VARIABLE.equals(e.getName()));
        env.add(new EnvVarBuilder().withName(NODE_ID_VARIABLE).withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        node.setEnv(env);
        if (node.getLifecycle() == null || node.getLifecycle().getPreStop() == null) {
            node.setLifecycle(new LifecycleBuilder(node.getLifecycle() == null ? new LifecycleBuilder().build()
                    : node.getLifecycle()).withNewPreStop().withNewExec().withCommand(PRE_STOP).endExec().endPreStop()
                    .build());
        }
        List<String> args = new ArrayList<>(node.getArgs() == null ? List.of() : node.getArgs());
        List<String> line = NodePodTemplate.commandLine(node);
        if (!line.contains("-m") && !line.contains("--mpps")) {
            args.addAll(List.of("--mpps", String.valueOf(settings.mpps())));
        }
        if (!line.contains("--drain-timeout")) {
            args.addAll(List.of("--drain-timeout", String.valueOf(settings.longestJobTimeout().toSeconds())));
        }
        node.setArgs(args);
        return pod;
    }

    private static String suffix() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
