package io.impetus.scaler.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.impetus.scaler.provider.kubernetes.Manifests.Doc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under deploy/kubernetes, read with fabric8's model classes: known kinds with no
 * field the model does not know, what each kind needs, namespaced and minimal RBAC, no secret in an
 * environment in clear, and the node pod template accepted by the provider's own loader.
 */
class ManifestsTest {
    private static final Set<String> KINDS = Set.of("Namespace", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
            "Service", "StatefulSet", "Deployment");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|AUTHKEY|_KEY|COOKIE).*");
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("://[^/@\\s,]*:[^/@\\s,]*@|[?&]password=");

    private final List<Doc> base = Manifests.base();

    private <T extends HasMetadata> List<T> all(Class<T> type) {
        return base.stream().map(Doc::resource).filter(type::isInstance).map(type::cast).toList();
    }

    private <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in deploy/kubernetes/base"));
    }

    @Test
    void everyBaseManifestIsAKnownKindWithNoFieldTheModelDoesNotKnow() {
        assertThat(Manifests.ROOT.resolve("base")).as("run from the module folder").isDirectory();
        assertThat(base).hasSizeGreaterThan(15);
        for (Doc d : base) {
            assertThat(d.resource().getKind()).as(d.file().toString()).isIn(KINDS);
            assertThat(d.resource().getApiVersion()).as(d.name()).isNotBlank();
            assertThat(d.resource().getMetadata().getName()).as(d.file() + ": metadata.name").isNotBlank();
            assertThat(d.resource().getMetadata().getNamespace()).as(d.name() + ": the kustomization sets the namespace")
                    .isNull();
            assertThat(Manifests.unknownFields(d.resource(), d.name())).as("fields unknown to the model").isEmpty();
        }
        assertThat(base).extracting(Doc::name).doesNotHaveDuplicates();
    }

    @Test
    void theKustomizationsListEveryFileAndOnlyFilesThatExist() {
        Path kustomization = Manifests.ROOT.resolve("base/kustomization.yaml");
        Map<String, Object> k = Serialization.yamlMapper().readValue(Manifests.read(kustomization), Map.class);
        assertThat(k).containsEntry("namespace", "impetus");
        List<String> listed = listOf(k.get("resources"));
        List<String> files = Manifests.yamlFiles(Manifests.ROOT.resolve("base")).stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(files);
        for (String overlay : List.of("small", "external-postgres")) {
            Path dir = Manifests.ROOT.resolve("overlays").resolve(overlay);
            Map<String, Object> o = Serialization.yamlMapper().readValue(Manifests.read(dir.resolve("kustomization.yaml")), Map.class);
            assertThat(listOf(o.get("resources"))).containsExactly("../../base");
            for (Object patch : listOf(o.get("patches"))) {
                Path p = dir.resolve((String) ((Map<?, ?>) patch).get("path"));
                assertThat(p).as(overlay + " patch").exists();
                if (Manifests.read(p).lines().anyMatch(l -> l.startsWith("- op:"))) {
                    continue; // a JSON 6902 patch; checked below
                }
                for (String doc : Manifests.documents(p)) {
                    HasMetadata target = Manifests.parse(p, doc.replace("$patch: delete", ""));
                    assertThat(base).as(p + " patches something the base has").anySatisfy(d -> {
                        assertThat(d.resource().getKind()).isEqualTo(target.getKind());
                        assertThat(d.resource().getMetadata().getName()).isEqualTo(target.getMetadata().getName());
                    });
                }
            }
        }
        // the small overlay replaces the value after --max-nodes, by index
        List<String> args = one(Deployment.class, "impetus-scaler").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        List<Map<String, Object>> ops = Serialization.yamlMapper().readValue(
                Manifests.read(Manifests.ROOT.resolve("overlays/small/scaler-small.yaml")), List.class);
        String path = (String) ops.get(0).get("path");
        int index = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
        assertThat(args.get(index - 1)).isEqualTo("--max-nodes");
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Object o) {
        return o == null ? List.of() : (List<T>) o;
    }

    @Test
    void workloadsHaveImagesRequestsAndSelectorsThatMatchTheirPods() {
        for (Doc d : base) {
            PodSpec spec = Manifests.podSpec(d.resource());
            if (spec == null) {
                continue;
            }
            Map<String, String> selector = d.resource() instanceof Deployment dep ? dep.getSpec().getSelector().getMatchLabels()
                    : ((StatefulSet) d.resource()).getSpec().getSelector().getMatchLabels();
            Map<String, String> labels = d.resource() instanceof Deployment dep ? dep.getSpec().getTemplate().getMetadata().getLabels()
                    : ((StatefulSet) d.resource()).getSpec().getTemplate().getMetadata().getLabels();
            assertThat(labels).as(d.name() + ": pod labels match the selector").containsAllEntriesOf(selector);
            for (Container c : Manifests.containers(spec)) {
                assertThat(c.getImage()).as(d.name() + " " + c.getName()).isNotBlank();
                assertThat(c.getResources().getRequests()).as(d.name() + " " + c.getName() + " requests").containsKeys("cpu", "memory");
            }
            for (Volume v : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
                if (v.getConfigMap() != null) {
                    one(ConfigMap.class, v.getConfigMap().getName());
                }
                if (v.getSecret() != null) {
                    assertThat(Manifests.read(Manifests.ROOT.resolve("make-secrets.py")))
                            .as(d.name() + " mounts Secret " + v.getSecret().getSecretName() + ": make-secrets.py makes it")
                            .contains("\"" + v.getSecret().getSecretName() + "\": {");
                }
            }
        }
        for (Service s : all(Service.class)) {
            assertThat(base).as("a workload behind Service " + s.getMetadata().getName()).anySatisfy(d -> {
                PodSpec spec = Manifests.podSpec(d.resource());
                assertThat(spec).isNotNull();
                Map<String, String> labels = d.resource() instanceof Deployment dep ? dep.getSpec().getTemplate().getMetadata().getLabels()
                        : ((StatefulSet) d.resource()).getSpec().getTemplate().getMetadata().getLabels();
                assertThat(labels).containsAllEntriesOf(s.getSpec().getSelector());
            });
        }
        for (StatefulSet s : all(StatefulSet.class)) {
            one(Service.class, s.getSpec().getServiceName());
        }
    }

    @Test
    void theSystemIsThreeBrokersWithQuorumQueuesTwoCoordinatorsAndOneScaler() {
        assertThat(one(StatefulSet.class, "rabbitmq").getSpec().getReplicas()).isEqualTo(3);
        Deployment coordinators = one(Deployment.class, "impetus-coordinator");
        assertThat(coordinators.getSpec().getReplicas()).isEqualTo(2);
        assertThat(coordinators.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--default-queue-type", "quorum");
        Deployment scaler = one(Deployment.class, "impetus-scaler");
        assertThat(scaler.getSpec().getReplicas()).isEqualTo(1);
        assertThat(scaler.getSpec().getStrategy().getType()).as("never two scalers during a rollout").isEqualTo("Recreate");
        one(Service.class, "impetus-status");
    }

    @Test
    void rbacIsNamespacedAndTheScalerMayOnlyHandlePods() {
        assertThat(base).extracting(d -> d.resource().getKind()).doesNotContain("ClusterRole", "ClusterRoleBinding");
        List<PolicyRule> rules = one(Role.class, "impetus-scaler").getRules();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).getApiGroups()).containsExactly("");
        assertThat(rules.get(0).getResources()).containsExactly("pods");
        assertThat(rules.get(0).getVerbs()).containsExactlyInAnyOrder("create", "delete", "get", "list", "watch");
        for (Role r : all(Role.class)) {
            for (PolicyRule rule : r.getRules()) {
                assertThat(rule.getVerbs()).as(r.getMetadata().getName()).doesNotContain("*", "update", "patch", "escalate", "bind");
                assertThat(rule.getResources()).as(r.getMetadata().getName()).doesNotContain("*", "secrets");
            }
        }
        for (RoleBinding b : all(RoleBinding.class)) {
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            one(Role.class, b.getRoleRef().getName());
            assertThat(b.getSubjects()).allSatisfy(s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getNamespace()).as("the binding's own namespace").isNull();
                one(io.fabric8.kubernetes.api.model.ServiceAccount.class, s.getName());
            });
        }
        RoleBinding scalerBinding = one(RoleBinding.class, "impetus-scaler");
        assertThat(scalerBinding.getSubjects()).extracting(s -> s.getName()).containsExactly("impetus-scaler");
        assertThat(one(Deployment.class, "impetus-scaler").getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("impetus-scaler");
        for (Deployment d : all(Deployment.class)) {
            if (!d.getMetadata().getName().equals("impetus-scaler")) {
                assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken())
                        .as(d.getMetadata().getName() + " needs no API token").isFalse();
            }
        }
    }

    @Test
    void noSecretIsInAnEnvironmentInClearOrOnACommandLine() {
        List<Container> everyContainer = new ArrayList<>();
        for (Doc d : base) {
            PodSpec spec = Manifests.podSpec(d.resource());
            if (spec != null) {
                everyContainer.addAll(Manifests.containers(spec));
            }
        }
        PodSpecHolder node = nodeTemplate();
        everyContainer.addAll(Manifests.containers(node.spec()));
        assertThat(everyContainer).hasSizeGreaterThan(5);
        for (Container c : everyContainer) {
            for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                if (e.getValue() != null) {
                    assertThat(e.getName()).as(c.getName() + " env " + e.getName() + " in clear")
                            .matches(n -> !SECRET_NAME.matcher(n).matches() || n.endsWith("_FILE"), "not a secret's name");
                    assertThat(PASSWORD_IN_URL.matcher(e.getValue()).find()).as(c.getName() + " env " + e.getName()
                            + " holds a password").isFalse();
                }
                assertThat(e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null)
                        .as(c.getName() + " env " + e.getName() + ": secrets are mounted files, not env").isTrue();
            }
            assertThat(c.getEnvFrom()).as(c.getName() + " envFrom").isNullOrEmpty();
            List<String> line = NodePodTemplate.commandLine(c);
            assertThat(line).as(c.getName() + " command line").doesNotContainAnyElementsOf(NodePodTemplate.SECRET_OPTIONS);
            assertThat(line).as(c.getName()).noneMatch(a -> PASSWORD_IN_URL.matcher(a).find());
        }
    }

    private record PodSpecHolder(PodSpec spec) {
    }

    private PodSpecHolder nodeTemplate() {
        String yaml = one(ConfigMap.class, "impetus-node-template").getData().get(NodePodTemplate.DEFAULT_CONFIGMAP_KEY);
        return new PodSpecHolder(((Pod) Serialization.unmarshal(yaml)).getSpec());
    }

    @Test
    void theNodeTemplateIsAcceptedByTheProvidersLoaderWithTheScalersJobTimeout() {
        String yaml = one(ConfigMap.class, "impetus-node-template").getData().get(NodePodTemplate.DEFAULT_CONFIGMAP_KEY);
        NodePodTemplate template = NodePodTemplate.parse(yaml, "impetus-node-template");
        Container scaler = one(Deployment.class, "impetus-scaler").getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = scaler.getArgs();
        assertThat(args).containsSequence("--provider", "kubernetes");
        long jobTimeout = Long.parseLong(args.get(args.indexOf("--k8s-job-timeout") + 1));
        KubernetesSettings settings = KubernetesSettings.builder().namespace("impetus").cluster("impetus").template(template)
                .longestJobTimeout(Duration.ofSeconds(jobTimeout)).build();
        assertThat(new NodePods(settings).newPod().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(jobTimeout + 30);
        // the scaler reads the template from the ConfigMap mounted where --k8s-template points
        String file = args.get(args.indexOf("--k8s-template") + 1);
        Volume volume = one(Deployment.class, "impetus-scaler").getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals("impetus-node-template"))
                .findFirst().orElseThrow();
        assertThat(scaler.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo(volume.getName());
            assertThat(file).isEqualTo(m.getMountPath() + "/" + NodePodTemplate.DEFAULT_CONFIGMAP_KEY);
        });
        // the node's service account exists and the template's secrets are made by make-secrets.py
        one(io.fabric8.kubernetes.api.model.ServiceAccount.class, nodeTemplate().spec().getServiceAccountName());
    }

    @Test
    void aManifestWithATypoIsCaught() throws Exception {
        String typo = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  selectr: {app: x}\n  ports: [{port: 80}]\n";
        HasMetadata r = Manifests.parse(Path.of("typo.yaml"), typo);
        assertThat(Manifests.unknownFields(r, "Service x")).containsExactly("Service x.spec: [selectr]");
        try (Stream<Path> files = Files.list(Manifests.ROOT)) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("make-secrets.py", "base", "overlays");
        }
    }
}
