package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node pod template: one Pod manifest (from a file or a ConfigMap key) whose container
 * {@value #CONTAINER} (or only container) runs {@code node foreground}. It is checked when loaded,
 * so a bad one stops the scaler at start with what to fix: an image; cpu and memory requests; no
 * secret in the pod spec in clear (the broker password and the signing key are files from mounted
 * Secrets, read with {@code --authkey-file} and {@code --signing-key-file}); restartPolicy Never.
 * Immutable; {@link NodePods} makes each pod from a copy.
 */
public final class NodePodTemplate {
    public static final String CONTAINER = "node";
    public static final String DEFAULT_CONFIGMAP_KEY = "node-pod.yaml";
    /** Variables that hold a secret; a template may not set them in any form. */
    static final Set<String> SECRET_VARIABLES = Set.of("IMPETUS_AUTHKEY", "IMPETUS_SIGNING_KEY", "IMPETUS_HTTP_KEY",
            "IMPETUS_STORE");
    /** Variables and options that hold a URI, refused when it carries a password. */
    static final Set<String> URI_VARIABLES = Set.of("IMPETUS_RABBITMQ_URI", "IMPETUS_MANAGEMENT_URI");
    static final Set<String> URI_OPTIONS = Set.of("--uri", "--management-uri");
    /** Options that carry a secret on the command line, where anyone who can read the pod sees it. */
    static final Set<String> SECRET_OPTIONS = Set.of("-a", "--authkey", "--qauthkey", "--signing-key", "-u",
            "--dauthkey");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|AUTHKEY).*");
    private static final Pattern URI_WITH_PASSWORD = Pattern.compile("://[^/@\\s,]*:[^/@\\s,]*@");
    static final String AUTHKEY_FILE = "--authkey-file";
    static final String SIGNING_KEY_FILE = "--signing-key-file";

    private final Pod pod;
    private final String source;

    private NodePodTemplate(Pod pod, String source) {
        this.pod = pod;
        this.source = source;
    }

    /** Reads and checks a template file. */
    public static NodePodTemplate fromFile(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the node pod template " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks the template held under {@code key} of ConfigMap {@code name}. */
    public static NodePodTemplate fromConfigMap(KubernetesClient client, String namespace, String name, String key) {
        String source = "ConfigMap " + namespace + "/" + name + " key " + key;
        ConfigMap map;
        try {
            map = client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new IllegalArgumentException("cannot read the node pod template from " + source + ": " + e.getMessage(), e);
        }
        if (map == null || map.getData() == null || !map.getData().containsKey(key)) {
            throw new IllegalArgumentException("the node pod template " + source + " does not exist (make it from"
                    + " deploy/kubernetes/base/node-pod-template.yaml)");
        }
        return parse(map.getData().get(key), source);
    }

    /** Parses and checks one Pod manifest; {@code source} names it in errors. */
    public static NodePodTemplate parse(String yaml, String source) {
        Object parsed;
        try {
            parsed = Serialization.unmarshal(yaml);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the node pod template " + source + " is not a Kubernetes manifest: "
                    + e.getMessage(), e);
        }
        if (!(parsed instanceof Pod pod)) {
            throw new IllegalArgumentException("the node pod template " + source + " must be one Pod (kind: Pod), was "
                    + (parsed == null ? "empty" : parsed.getClass().getSimpleName()));
        }
        NodePodTemplate t = new NodePodTemplate(pod, source);
        t.check();
        return t;
    }

    private void check() {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null || pod.getSpec().getContainers().isEmpty()) {
            throw bad("has no containers");
        }
        Container node = nodeContainer(pod);
        if (node.getImage() == null || node.getImage().isBlank()) {
            throw bad("container " + node.getName() + " has no image");
        }
        Map<String, Quantity> requests = node.getResources() == null ? null : node.getResources().getRequests();
        if (requests == null || !requests.containsKey("cpu") || !requests.containsKey("memory")) {
            throw bad("container " + node.getName() + " needs resources.requests cpu and memory, so that the cluster"
                    + " places nodes by their size");
        }
        for (Container c : allContainers()) {
            checkNoSecretInClear(c);
        }
        String restart = pod.getSpec().getRestartPolicy();
        if (restart != null && !"Never".equals(restart)) {
            throw bad("has restartPolicy " + restart + "; a node pod must be restartPolicy Never (the scaler replaces a"
                    + " node that ends; a drained node restarted in place would take jobs again)");
        }
        checkFileFromSecret(node, AUTHKEY_FILE, "the broker password");
        checkFileFromSecret(node, SIGNING_KEY_FILE, "the signing key");
    }

    private List<Container> allContainers() {
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        return all;
    }

    private void checkNoSecretInClear(Container c) {
        for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            boolean fromSecret = e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null;
            boolean clearSecret = e.getValue() != null && (URI_VARIABLES.contains(e.getName())
                    ? URI_WITH_PASSWORD.matcher(e.getValue()).find()
                    : SECRET_NAME.matcher(e.getName()).matches() && !e.getName().endsWith("_FILE"));
            if (SECRET_VARIABLES.contains(e.getName()) || fromSecret || clearSecret) {
                throw bad("container " + c.getName() + " sets " + e.getName() + " in its environment"
                        + (fromSecret ? " from a Secret" : "") + "; secrets go into the node as files from a mounted"
                        + " Secret (--authkey-file, --signing-key-file), never in env (the node's worker processes,"
                        + " which run job code, would inherit it)");
            }
        }
        if (c.getEnvFrom() != null && c.getEnvFrom().stream().anyMatch(e -> e.getSecretRef() != null)) {
            throw bad("container " + c.getName() + " takes a Secret into its environment (envFrom secretRef); mount it"
                    + " as a volume and pass the files with --authkey-file and --signing-key-file");
        }
        List<String> line = commandLine(c);
        for (int i = 0; i < line.size(); i++) {
            String arg = line.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : i + 1 < line.size() ? line.get(i + 1) : "";
            if (SECRET_OPTIONS.contains(name) || (URI_OPTIONS.contains(name) && URI_WITH_PASSWORD.matcher(value).find())) {
                throw bad("container " + c.getName() + " passes " + name + " with a secret on its command line, where"
                        + " anyone who can read the pod sees it; use --authkey-file / --signing-key-file with a"
                        + " mounted Secret");
            }
        }
    }

    /** {@code option FILE} must be on the node's command line, FILE under a mount of a Secret volume. */
    private void checkFileFromSecret(Container node, String option, String what) {
        List<String> line = commandLine(node);
        int at = line.indexOf(option);
        String file = at >= 0 && at + 1 < line.size() ? line.get(at + 1) : line.stream()
                .filter(a -> a.startsWith(option + "=")).map(a -> a.substring(option.length() + 1)).findFirst().orElse(null);
        if (file == null) {
            throw bad("container " + node.getName() + " must read " + what + " from a mounted Secret: add " + option
                    + " /path/in/a/secret/volume to its args");
        }
        List<VolumeMount> mounts = node.getVolumeMounts() == null ? List.of() : node.getVolumeMounts();
        boolean fromSecret = mounts.stream().filter(m -> file.startsWith(m.getMountPath().endsWith("/")
                ? m.getMountPath() : m.getMountPath() + "/")).anyMatch(m -> secretVolume(m.getName()));
        if (!fromSecret) {
            throw bad(option + " " + file + " is not under a volume mount of a Secret; " + what + " must come from a"
                    + " Secret mounted into container " + node.getName());
        }
    }

    private boolean secretVolume(String name) {
        List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        return volumes.stream().filter(v -> name.equals(v.getName())).anyMatch(v -> v.getSecret() != null
                || (v.getProjected() != null && v.getProjected().getSources() != null
                && !v.getProjected().getSources().isEmpty()
                && v.getProjected().getSources().stream().allMatch(s -> s.getSecret() != null)));
    }

    /** Refuses a template whose grace period is shorter than the longest job: a deleted pod would be killed mid-job. */
    void checkGracePeriod(Duration longestJob) {
        Long grace = pod.getSpec().getTerminationGracePeriodSeconds();
        if (grace != null && grace < longestJob.toSeconds()) {
            throw bad("has terminationGracePeriodSeconds " + grace + ", shorter than the longest job timeout "
                    + longestJob.toSeconds() + " s (--k8s-job-timeout): a node pod deleted by someone else would be"
                    + " killed mid-job; raise it or leave it out (the scaler then sets the job timeout + "
                    + KubernetesSettings.GRACE_MARGIN.toSeconds() + " s)");
        }
    }

    /** Refuses a template whose node sets another --mpps than the scaler's: the policy would count wrong. */
    void checkMpps(int mpps) {
        List<String> line = commandLine(nodeContainer(pod));
        for (String option : List.of("-m", "--mpps")) {
            int at = line.indexOf(option);
            if (at >= 0 && at + 1 < line.size() && !line.get(at + 1).equals(String.valueOf(mpps))) {
                throw bad("runs the node with " + option + " " + line.get(at + 1) + " but the scaler's --mpps is " + mpps
                        + "; leave it out of the template (the scaler adds its own)");
            }
        }
    }

    static List<String> commandLine(Container c) {
        List<String> line = new ArrayList<>();
        if (c.getCommand() != null) {
            line.addAll(c.getCommand());
        }
        if (c.getArgs() != null) {
            line.addAll(c.getArgs());
        }
        return line;
    }

    static Container nodeContainer(Pod pod) {
        List<Container> cs = pod.getSpec().getContainers();
        return cs.stream().filter(c -> CONTAINER.equals(c.getName())).findFirst().orElseGet(() -> {
            if (cs.size() != 1) {
                throw new IllegalArgumentException("the node pod template has " + cs.size() + " containers and none is"
                        + " named '" + CONTAINER + "'; name the one that runs the node '" + CONTAINER + "'");
            }
            return cs.get(0);
        });
    }

    /** A fresh copy of the template's pod, to fill in. */
    Pod copy() {
        return Serialization.clone(pod);
    }

    /** Where the template came from (a file or a ConfigMap key). */
    public String source() {
        return source;
    }

    private IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("the node pod template " + source + " " + what);
    }
}
