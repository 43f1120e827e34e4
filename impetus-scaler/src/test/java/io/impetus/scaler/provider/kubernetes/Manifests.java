package io.impetus.scaler.provider.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The manifests under deploy/kubernetes, read with fabric8's model classes. */
final class Manifests {
    static final Path ROOT = Path.of("..", "deploy", "kubernetes");

    /** One parsed document and the file it came from. */
    record Doc(Path file, HasMetadata resource) {
        String name() {
            return resource.getKind() + " " + resource.getMetadata().getName() + " (" + file + ")";
        }
    }

    private Manifests() {
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The YAML documents of a file, split at '---' lines, empty ones dropped. */
    static List<String> documents(Path file) {
        List<String> docs = new ArrayList<>();
        for (String d : read(file).split("(?m)^---\\s*$")) {
            if (d.lines().anyMatch(l -> !l.isBlank() && !l.strip().startsWith("#"))) {
                docs.add(d);
            }
        }
        return docs;
    }

    static HasMetadata parse(Path file, String doc) {
        Object o = Serialization.unmarshal(doc);
        if (!(o instanceof HasMetadata r)) {
            throw new AssertionError(file + ": a document is not one Kubernetes resource: " + o);
        }
        return r;
    }

    /** Every resource of the base (the files its kustomization lists). */
    static List<Doc> base() {
        List<Doc> all = new ArrayList<>();
        for (Path f : yamlFiles(ROOT.resolve("base"))) {
            if (!f.getFileName().toString().equals("kustomization.yaml")) {
                documents(f).forEach(d -> all.add(new Doc(f, parse(f, d))));
            }
        }
        return all;
    }

    static PodSpec podSpec(HasMetadata r) {
        if (r instanceof Deployment d) {
            return d.getSpec().getTemplate().getSpec();
        }
        if (r instanceof StatefulSet s) {
            return s.getSpec().getTemplate().getSpec();
        }
        return null;
    }

    static List<Container> containers(PodSpec spec) {
        List<Container> all = new ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        return all;
    }

    /**
     * Fields the model does not know (a typo, a wrong indentation) land in a model object's
     * additionalProperties: returns where, as paths.
     */
    static List<String> unknownFields(Object o, String path) {
        List<String> found = new ArrayList<>();
        walk(o, path, found);
        return found;
    }

    private static void walk(Object o, String path, List<String> found) {
        if (o == null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) {
                walk(x, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getName().equals("getClass") || m.getReturnType().isPrimitive()) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                walk(v, path + "." + field, found);
            }
        }
    }
}
