package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command lines the Kubernetes manifests give the impetus image (its entrypoint passes them to
 * {@code impetus}) are command lines the CLI accepts: an option renamed here breaks this test, not a pod.
 */
class KubernetesManifestCommandLinesTest {
    private static final Path BASE = Path.of("..", "deploy", "kubernetes", "base");

    private static List<HasMetadata> resources() throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(BASE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).toList()) {
                for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
                    all.add(Serialization.unmarshal(doc));
                }
            }
        }
        return all;
    }

    private static void accepted(String what, List<String> args) {
        assertThatCode(() -> new CommandLine(new Impetus()).parseArgs(args.toArray(String[]::new)))
                .as(what + ": impetus " + String.join(" ", args)).doesNotThrowAnyException();
    }

    @Test
    void everyImpetusContainersArgumentsParse() throws Exception {
        List<String> seen = new ArrayList<>();
        for (HasMetadata r : resources()) {
            if (r instanceof Deployment d) {
                for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                    if (c.getImage().startsWith("impetus")) {
                        accepted(d.getMetadata().getName(), c.getArgs());
                        seen.add(c.getArgs().get(0));
                    }
                }
            }
            if (r instanceof ConfigMap m && "impetus-node-template".equals(m.getMetadata().getName())) {
                Pod pod = Serialization.unmarshal(m.getData().get("node-pod.yaml"));
                List<String> args = new ArrayList<>(pod.getSpec().getContainers().get(0).getArgs());
                args.addAll(List.of("--mpps", "5", "--drain-timeout", "600")); // what the provider adds
                accepted("node pod template", args);
                seen.add(args.get(0));
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("coordinator", "scaler", "node");
    }
}
