package io.impetus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.scaler.provider.NodeProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Each node provider is a picocli mixin of the scaler command and builds its provider from its own options. */
@EnableKubernetesMockClient(crud = true, https = false)
class ScalerProviderOptionsTest {
    KubernetesMockServer server;

    static final String TEMPLATE = """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
                - name: node
                  image: impetus:test
                  args: ["node", "foreground", "--authkey-file", "/keys/broker/authkey",
                         "--signing-key-file", "/keys/signing/signing-key"]
                  resources: {requests: {cpu: 500m, memory: 512Mi}}
                  volumeMounts:
                    - {name: broker, mountPath: /keys/broker}
                    - {name: signing, mountPath: /keys/signing}
              volumes:
                - {name: broker, secret: {secretName: impetus-node-broker}}
                - {name: signing, secret: {secretName: impetus-signing-key}}
            """;

    private static ScalerCommand parse(String... args) {
        ScalerCommand command = new ScalerCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private static ProviderContext context(Path dir) {
        return new ProviderContext(ConnectionSettings.defaults(), 4, Map.of(), dir);
    }

    @Test
    void eachProvidersOptionsLandInItsMixin() {
        ScalerCommand c = parse("foreground", "--provider", "kubernetes", "--k8s-namespace", "impetus",
                "--k8s-template-configmap", "impetus-node-template", "--k8s-job-timeout", "900", "--ec2-ami", "ami-1",
                "--node-logdir", "/tmp/nodes");
        assertThat(c.provider).isEqualTo("kubernetes");
        assertThat(c.kubernetes.namespace).isEqualTo("impetus");
        assertThat(c.kubernetes.templateConfigMap).isEqualTo("impetus-node-template");
        assertThat(c.kubernetes.templateKey).isEqualTo("node-pod.yaml");
        assertThat(c.kubernetes.jobTimeout).isEqualTo(900);
        assertThat(c.ec2.ec2Ami).isEqualTo("ami-1");
        assertThat(c.local.nodeLogDir).isEqualTo(Path.of("/tmp/nodes"));
    }

    @Test
    void kubernetesWithoutATemplateIsOneClearError(@TempDir Path dir) {
        KubernetesProviderOptions k = parse("foreground", "--provider", "kubernetes", "--k8s-namespace", "impetus").kubernetes;
        assertThatThrownBy(() -> k.create(context(dir))).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("either --k8s-template FILE or --k8s-template-configmap NAME");
    }

    @Test
    void kubernetesRefusesATemplateWithTheSigningKeyInItsEnvironment(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node-pod.yaml"), TEMPLATE.replace("      resources:",
                "      env: [{name: IMPETUS_SIGNING_KEY, value: c2VjcmV0}]\n      resources:"));
        KubernetesProviderOptions k = parse("foreground", "--k8s-namespace", "impetus", "--k8s-template", file.toString(),
                "--k8s-api-server", "http://127.0.0.1:" + server.getPort()).kubernetes;
        assertThatThrownBy(() -> k.create(context(dir))).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("sets IMPETUS_SIGNING_KEY in its environment");
    }

    @Test
    void kubernetesStartsByAdoptingTheNodePodsOfItsNamespace(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node-pod.yaml"), TEMPLATE);
        KubernetesProviderOptions k = parse("foreground", "--k8s-namespace", "impetus", "--k8s-cluster", "crawl",
                "--k8s-template", file.toString(), "--k8s-api-server", "http://127.0.0.1:" + server.getPort()).kubernetes;
        try (NodeProvider p = k.create(context(dir))) {
            assertThat(p.name()).isEqualTo("kubernetes");
            RecordedRequest adopt = server.takeRequest(5, TimeUnit.SECONDS);
            assertThat(adopt.getMethod() + " " + URLDecoder.decode(adopt.getPath(), StandardCharsets.UTF_8)).isEqualTo(
                    "GET /api/v1/namespaces/impetus/pods?labelSelector=app.kubernetes.io/name=impetus-node,impetus.io/cluster=crawl");
            assertThat(p.launch(1)).hasSize(1);
        }
    }
}
