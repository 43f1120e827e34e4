package io.impetus.scaler.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A bad node pod template stops the scaler at start with what to fix. */
class NodePodTemplateTest {
    private static final String ENV = "        - name: IMPETUS_PREFIX\n          value: impetus\n";

    private static String withEnv(String entries) {
        return Templates.text().replace(ENV, ENV + entries.indent(8));
    }

    private static void refused(String yaml, String... words) {
        assertThatThrownBy(() -> NodePodTemplate.parse(yaml, "t.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the node pod template t.yaml").hasMessageContainingAll(words);
    }

    @Test
    void theShippedShapeIsAccepted() {
        assertThat(Templates.template().source()).isEqualTo("node-pod.yaml");
    }

    @Test
    void refusesTheBrokerPasswordInTheEnvironmentInClear() {
        refused(withEnv("- name: IMPETUS_AUTHKEY\n  value: s3cret\n"), "sets IMPETUS_AUTHKEY in its environment", "mounted Secret");
    }

    @Test
    void refusesTheSigningKeyInTheEnvironmentEvenFromASecret() {
        refused(withEnv("- name: IMPETUS_SIGNING_KEY\n  valueFrom:\n    secretKeyRef: {name: impetus-signing-key, key: signing-key}\n"), "sets IMPETUS_SIGNING_KEY in its environment from a Secret");
    }

    @Test
    void refusesABrokerUriWithAPasswordAndAnyPasswordLikeVariable() {
        refused(withEnv("- name: IMPETUS_RABBITMQ_URI\n  value: amqp://impetus-node:s3cret@rabbitmq:5672/impetus\n"), "IMPETUS_RABBITMQ_URI");
        refused(withEnv("- name: DB_PASSWORD\n  value: s3cret\n"), "DB_PASSWORD");
        NodePodTemplate.parse(withEnv("- name: IMPETUS_RABBITMQ_URI\n  value: amqp://impetus-node@rabbitmq:5672/impetus\n"), "t.yaml"); // a URI without a password is fine
    }

    @Test
    void refusesASecretTakenWholeIntoTheEnvironment() {
        refused(Templates.text().replace("      env:\n", "      envFrom:\n        - secretRef: {name: impetus-node-broker}\n      env:\n"),
                "envFrom secretRef");
    }

    @Test
    void refusesTheBrokerPasswordOnTheCommandLine() {
        refused(Templates.text().replace("\"--user\", \"impetus-node\"", "\"--user\", \"impetus-node\", \"-a\", \"s3cret\""),
                "passes -a with a secret on its command line");
    }

    @Test
    void refusesAKeyFileThatIsNotFromAMountedSecret() {
        refused(Templates.text().replace("\"--authkey-file\", \"/var/run/secrets/impetus/broker/authkey\",", ""),
                "must read the broker password from a mounted Secret", "--authkey-file");
        refused(Templates.text().replace("/var/run/secrets/impetus/signing/signing-key", "/tmp/signing-key"),
                "--signing-key-file /tmp/signing-key is not under a volume mount of a Secret");
        refused(Templates.text().replace("secret: {secretName: impetus-signing-key}", "emptyDir: {}"),
                "is not under a volume mount of a Secret");
    }

    @Test
    void refusesARestartingPodAPodWithoutRequestsAndWhatIsNoPod() {
        refused(Templates.text().replace("  automountServiceAccountToken: false\n",
                "  automountServiceAccountToken: false\n  restartPolicy: Always\n"), "restartPolicy Always");
        refused(Templates.text().replace("        requests: {cpu: \"1\", memory: 1Gi}\n", ""), "resources.requests cpu and memory");
        refused("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "must be one Pod (kind: Pod), was ConfigMap");
        refused(Templates.text().replace("      image: registry.example.org/impetus:0.1.0\n", ""), "has no image");
    }

    @Test
    void refusesAGracePeriodShorterThanTheLongestJob() {
        NodePodTemplate t = NodePodTemplate.parse(Templates.text().replace("  automountServiceAccountToken: false\n",
                "  automountServiceAccountToken: false\n  terminationGracePeriodSeconds: 60\n"), "t.yaml");
        assertThatThrownBy(() -> KubernetesSettings.builder().namespace("impetus").cluster("impetus").template(t)
                .longestJobTimeout(Duration.ofMinutes(10)).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("terminationGracePeriodSeconds 60", "longest job timeout 600 s");
        assertThat(KubernetesSettings.builder().namespace("impetus").cluster("impetus").template(t)
                .longestJobTimeout(Duration.ofSeconds(60)).build().gracePeriod()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesANodeMppsOtherThanTheScalers() {
        NodePodTemplate t = NodePodTemplate.parse(Templates.text().replace("\"--vhost\", \"impetus\",",
                "\"--vhost\", \"impetus\", \"-m\", \"8\","), "t.yaml");
        assertThatThrownBy(() -> KubernetesSettings.builder().namespace("impetus").cluster("impetus").template(t).mpps(5)
                .build()).hasMessageContainingAll("runs the node with -m 8 but the scaler's --mpps is 5");
        assertThat(KubernetesSettings.builder().namespace("impetus").cluster("impetus").template(t).mpps(8).build().mpps())
                .isEqualTo(8);
    }

    @Test
    void settingsNameTheOptionOfABadValue() {
        assertThatThrownBy(() -> KubernetesSettings.builder().namespace("Impetus_Prod").cluster("c")
                .template(Templates.template()).build()).hasMessageStartingWith("--k8s-namespace must be");
        assertThatThrownBy(() -> KubernetesSettings.builder().namespace("impetus").cluster("a b")
                .template(Templates.template()).build()).hasMessageStartingWith("--k8s-cluster must be");
    }
}
