package io.impetus.scaler.provider.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The test node pod template (resources: node-pod.yaml), as text to change and as a checked template. */
final class Templates {
    private Templates() {
    }

    static String text() {
        try (InputStream in = Templates.class.getResourceAsStream("node-pod.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NodePodTemplate template() {
        return NodePodTemplate.parse(text(), "node-pod.yaml");
    }
}
