package io.impetus.scaler.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.impetus.testkit.fake.SettableClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kubernetes provider against fabric8's mock API server in CRUD mode: the requests it really sends. */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesNodeProviderTest {
    static final String NS = "impetus";
    KubernetesMockServer server;
    KubernetesClient client;
    private final SettableClock clock = new SettableClock(Instant.now()); // the mock API server stamps pods with the wall clock
    private KubernetesNodeProvider provider;

    @BeforeEach
    void start() throws Exception {
        provider = new KubernetesNodeProvider(client, settings("crawl-prod"));
        requests(); // forget what the extension did
    }

    private KubernetesSettings settings(String cluster) {
        return KubernetesSettings.builder().namespace(NS).cluster(cluster).template(Templates.template())
                .longestJobTimeout(Duration.ofMinutes(15)).launchTimeout(Duration.ofMinutes(5)).mpps(3).clock(clock)
                .build();
    }

    /** Every request the server took since the last call. */
    private List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            out.add(r);
        }
        return out;
    }

    private static String line(RecordedRequest r) {
        return r.getMethod() + " " + URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8);
    }

    @Test
    void scaleOutCreatesLabelledNodePodsThatDrainWhenDeletedAndHoldNoSecret() throws Exception {
        List<String> ids = provider.launch(2);

        assertThat(ids).hasSize(2).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).matches("impetus-node-[a-z0-9]{8}"));
        List<RecordedRequest> sent = requests();
        assertThat(sent).extracting(KubernetesNodeProviderTest::line)
                .containsExactly("POST /api/v1/namespaces/impetus/pods", "POST /api/v1/namespaces/impetus/pods");
        // the pod as the API server stored it from the POST (its dispatcher has read the recorded body)
        Pod pod = client.pods().inNamespace(NS).withName(ids.get(0)).get();
        assertThat(pod.getMetadata().getName()).isEqualTo(ids.get(0));
        assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "impetus-node")
                .containsEntry("impetus.io/cluster", "crawl-prod").containsEntry("app.kubernetes.io/managed-by", "impetus-scaler")
                .containsEntry("team", "crawl");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).as("15 min jobs + 30 s").isEqualTo(930L);
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("impetus-node");
        Container node = pod.getSpec().getContainers().get(0);
        assertThat(node.getImage()).isEqualTo("registry.example.org/impetus:0.1.0");
        assertThat(node.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(node.getLifecycle().getPreStop().getExec().getCommand()).isEqualTo(NodePods.PRE_STOP);
        assertThat(node.getArgs()).containsSequence("--mpps", "3").containsSequence("--drain-timeout", "900")
                .containsSequence("--authkey-file", "/var/run/secrets/impetus/broker/authkey");
        assertThat(node.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("IMPETUS_NODE_ID");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(node.getEnv()).allSatisfy(e -> assertThat(e.getName()).isNotIn(NodePodTemplate.SECRET_VARIABLES));
        assertThat(pod.getSpec().getVolumes()).extracting(v -> v.getSecret().getSecretName())
                .containsExactly("impetus-node-broker", "impetus-signing-key");

        requests();
        assertThat(provider.list()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(requests()).extracting(KubernetesNodeProviderTest::line).containsExactly(
                "GET /api/v1/namespaces/impetus/pods?labelSelector=app.kubernetes.io/name=impetus-node,impetus.io/cluster=crawl-prod");
    }

    @Test
    void terminateDeletesTheDrainedNodesPodAndNoOther() throws Exception {
        List<String> ids = provider.launch(2);
        requests();

        provider.terminate(ids.get(0));

        assertThat(requests()).extracting(KubernetesNodeProviderTest::line)
                .containsExactly("DELETE /api/v1/namespaces/impetus/pods/" + ids.get(0));
        assertThat(provider.list()).containsExactly(ids.get(1));
        provider.terminate(ids.get(0)); // gone already: nothing to do, no error
        assertThat(client.pods().inNamespace(NS).list().getItems()).extracting(p -> p.getMetadata().getName())
                .containsExactly(ids.get(1));
    }

    @Test
    void aRestartedScalerAdoptsItsClustersRunningPodsAndNoOthers() throws Exception {
        Pod ours = running("impetus-node-old1", "crawl-prod");
        Pod otherCluster = running("impetus-node-old2", "crawl-test");
        Pod unrelated = new PodBuilder().withNewMetadata().withName("web-1").withNamespace(NS).endMetadata().build();
        for (Pod p : List.of(ours, otherCluster, unrelated)) {
            client.pods().inNamespace(NS).resource(p).create();
        }
        requests();

        KubernetesNodeProvider restarted = new KubernetesNodeProvider(client, settings("crawl-prod"));
        assertThat(restarted.adopt()).containsExactly("impetus-node-old1");
        List<String> more = restarted.launch(1);
        assertThat(restarted.list()).containsExactlyInAnyOrder("impetus-node-old1", more.get(0));
        assertThat(requests()).extracting(KubernetesNodeProviderTest::line).noneMatch(l -> l.startsWith("DELETE"));
    }

    @Test
    void aNodePodThatEndedOrNeverLeftPendingIsDeletedSoTheScalerReplacesIt() throws Exception {
        client.pods().inNamespace(NS).resource(withPhase(running("impetus-node-done", "crawl-prod"), "Failed")).create();
        client.pods().inNamespace(NS).resource(running("impetus-node-ok", "crawl-prod")).create();
        List<String> stuck = provider.launch(1);
        requests();
        clock.advance(Duration.ofMinutes(6));

        assertThat(provider.list()).containsExactly("impetus-node-ok");

        assertThat(requests()).extracting(KubernetesNodeProviderTest::line).contains(
                "DELETE /api/v1/namespaces/impetus/pods/impetus-node-done",
                "DELETE /api/v1/namespaces/impetus/pods/" + stuck.get(0));
        clock.advance(Duration.between(clock.instant(), Instant.now())); // back to the wall clock
        List<String> replacement = provider.launch(1);
        assertThat(provider.list()).containsExactlyInAnyOrder("impetus-node-ok", replacement.get(0));
    }

    private static Pod running(String name, String cluster) {
        return withPhase(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("app.kubernetes.io/name", "impetus-node").addToLabels("impetus.io/cluster", cluster)
                .endMetadata().withNewSpec().addNewContainer().withName("node").withImage("impetus").endContainer()
                .endSpec().build(), "Running");
    }

    private static Pod withPhase(Pod p, String phase) {
        return new PodBuilder(p).withNewStatus().withPhase(phase).endStatus().build();
    }
}
