package io.impetus.scaler.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.impetus.core.broker.Broker;
import io.impetus.core.broker.Brokers;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.scaler.Scaler;
import io.impetus.scaler.ScalerOptions;
import io.impetus.scaler.scaling.ScalingPolicy;
import io.impetus.testkit.BrokerCleaner;
import io.impetus.testkit.TestBroker;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scaler with the kubernetes provider: a real RabbitMQ (node heartbeats, drain requests),
 * fabric8's mock API server in CRUD mode for the cluster, and a fake node per pod that speaks the
 * node's side of the drain protocol. The pod is deleted only once its node has drained; a blocked
 * node is drained, deleted and replaced; a restarted scaler adopts the pods it finds.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesScalerIT {
    KubernetesMockServer server;
    KubernetesClient client;
    private String prefix;
    private ConnectionSettings settings;
    private Broker nodeSide;
    private volatile int wanted;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void setUp() {
        prefix = TestBroker.uniqueName("it-k8s");
        Map<String, String> cli = new HashMap<>();
        cli.put("uri", TestBroker.get().amqpUri());
        cli.put("prefix", prefix);
        if (TestBroker.get().managementUri() != null) {
            cli.put("management.uri", TestBroker.get().managementUri());
        }
        settings = SettingsResolver.resolve(cli, Map.of(), Map.of());
    }

    @AfterEach
    void tearDown() throws Exception {
        List<AutoCloseable> closing = new ArrayList<>(open);
        Collections.reverse(closing);
        for (AutoCloseable c : closing) {
            c.close();
        }
        BrokerCleaner.deleteAll(prefix);
    }

    private Scaler scaler() {
        // its own client: closing a scaler closes its provider's
        KubernetesNodeProvider provider = new KubernetesNodeProvider(server.createClient(), KubernetesSettings.builder()
                .namespace("impetus").cluster(prefix).template(Templates.template()).mpps(2).build());
        provider.adopt();
        ScalingPolicy policy = (in, mpps) -> new ScalingPolicy.Want(wanted, "the test wants " + wanted);
        Scaler scaler = new Scaler(ScalerOptions.builder(settings, provider, policy).minNodes(0).maxNodes(3).mpps(2)
                .interval(Duration.ofMillis(200)).cooldown(Duration.ZERO).hysteresisPasses(1).idleTime(Duration.ZERO)
                .build());
        scaler.start();
        if (nodeSide == null) {
            nodeSide = Brokers.connect(settings, "fake node pods");
            open.add(0, nodeSide::close);
        }
        return scaler;
    }

    private FakeNodePod nodeIn(String pod) {
        FakeNodePod node = new FakeNodePod(nodeSide, settings.topology(), pod);
        open.add(node);
        return node;
    }

    private List<String> pods() {
        return client.pods().inNamespace("impetus").list().getItems().stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** The requests the server took so far, as "METHOD path", kept in order across calls. */
    private List<String> requests() throws InterruptedException {
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r.getMethod() + " " + URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8));
        }
        return requests;
    }

    @Test
    void scalesOutThenDeletesANodesPodOnlyOnceTheNodeHasDrained() throws Exception {
        wanted = 1;
        Scaler scaler = scaler();
        open.add(scaler);
        await().atMost(Duration.ofSeconds(20)).until(() -> pods().size() == 1);
        String pod = pods().get(0);
        FakeNodePod node = nodeIn(pod);
        node.busy = 1;
        await().atMost(Duration.ofSeconds(20)).until(() -> scaler.status().get("nodes").toString().contains(pod));

        wanted = 0; // scale in: the node runs a job, so it is not drained yet
        int decisions = ((List<?>) scaler.status().get("decisions")).size();
        await().atMost(Duration.ofSeconds(20)).until(() -> ((List<?>) scaler.status().get("decisions")).size() >= decisions + 5);
        assertThat(node.drainRequests()).isZero();
        assertThat(pods()).containsExactly(pod);

        node.busy = 0; // idle: asked to drain; it reports draining but still finishes a job
        await().atMost(Duration.ofSeconds(20)).until(() -> node.drainRequests() > 0);
        node.busy = 1;
        int asked = ((List<?>) scaler.status().get("decisions")).size();
        await().atMost(Duration.ofSeconds(20)).until(() -> ((List<?>) scaler.status().get("decisions")).size() >= asked + 5);
        assertThat(pods()).as("not deleted while its node still runs a job").containsExactly(pod);
        assertThat(requests()).noneMatch(l -> l.startsWith("DELETE"));

        node.busy = 0; // drained
        await().atMost(Duration.ofSeconds(20)).until(() -> pods().isEmpty());
        assertThat(requests()).filteredOn(l -> l.startsWith("POST") || l.startsWith("DELETE")).containsExactly(
                "POST /api/v1/namespaces/impetus/pods", "DELETE /api/v1/namespaces/impetus/pods/" + pod);
        assertThat(scaler.status()).containsEntry("launches", 1L).containsEntry("terminations", 1L);
    }

    @Test
    void aRestartedScalerAdoptsItsPodsAndReplacesANodeThatReportedItselfBlocked() throws Exception {
        wanted = 1;
        Scaler first = scaler();
        await().atMost(Duration.ofSeconds(20)).until(() -> pods().size() == 1);
        first.close();
        String pod = pods().get(0);
        FakeNodePod node = nodeIn(pod);

        Scaler restarted = scaler(); // adopts the pod: it launches no second one
        open.add(restarted);
        await().atMost(Duration.ofSeconds(20)).until(() -> restarted.status().get("nodes").toString().contains(pod));
        assertThat(pods()).containsExactly(pod);

        // a job reported the node blocked: it no longer counts, so a replacement starts at once, and the
        // blocked one is drained and then deleted
        node.blocked = true;
        await().atMost(Duration.ofSeconds(20)).until(() -> !pods().contains(pod) && pods().size() == 1);
        assertThat(node.drainRequests()).isPositive();
        List<String> sent = requests().stream().filter(l -> l.startsWith("POST") || l.startsWith("DELETE")).toList();
        assertThat(sent).containsExactly("POST /api/v1/namespaces/impetus/pods", "POST /api/v1/namespaces/impetus/pods",
                "DELETE /api/v1/namespaces/impetus/pods/" + pod);
        assertThat(restarted.status()).containsEntry("launches", 1L).containsEntry("terminations", 1L);
    }
}
