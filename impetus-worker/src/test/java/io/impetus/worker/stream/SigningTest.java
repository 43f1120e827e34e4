package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeDelivery;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node with the installation's signing key runs only jobs signed with it, and signs its results. */
class SigningTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "test");

    private Engine engine() {
        return new Engine(Map.of(), 1, new WorkerSlots(10), key);
    }

    @Test
    void anUnsignedJobIsDeadLetteredForItsSignatureAndNeverReachesAWorker() {
        Engine e = engine();
        FakeDelivery d = e.deliver(Engine.job().build());
        e.runBlocking();
        assertThat(e.workers).isEmpty();
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(e.deadLetters().get(0).headers().get(Topology.REASON_HEADER).toString()).startsWith("signature");
    }

    @Test
    void aSignedJobWithItsArgumentChangedIsDeadLetteredWhileTheOriginalRunsAndItsResultIsSigned() {
        Engine e = engine();
        JobEnvelope original = Signatures.signJob(key, Engine.job().build());
        byte[] forgedBody = new String(Json.write(original)).replace("\"args\":3", "\"args\":4").getBytes();
        FakeDelivery forged = e.deliver(forgedBody, null, original.id());
        assertThat(e.deadLetters()).hasSize(1);
        assertThat(e.deadLetters().get(0).headers().get(Topology.REASON_HEADER).toString()).contains("signature");
        assertThat(forged.state()).isEqualTo(FakeDelivery.State.ACKED);

        FakeDelivery ok = e.deliver(original);
        e.runBlocking();
        e.worker(0).succeed(IntNode.valueOf(9));
        assertThat(ok.state()).isEqualTo(FakeDelivery.State.ACKED);
        JobEnvelope result = e.results().get(0);
        assertThat(Signatures.resultIsSigned(key, result)).isTrue();
    }

    @Test
    void aJobSignedWithAKeyThisInstallationDoesNotAcceptFailsAtOnceAndItsClientIsTold() {
        Engine e = engine();
        SigningKey retired = SigningKey.parse(SigningKey.generate(), "retired");
        JobEnvelope job = Signatures.signJob(retired, Engine.job().build());
        FakeDelivery d = e.deliver(job);
        e.runBlocking();
        assertThat(e.workers).as("never reaches a worker").isEmpty();
        assertThat(d.state()).as("not requeued for another try").isEqualTo(FakeDelivery.State.ACKED);
        String expected = "signed with key id " + retired.keyId() + ", which this installation does not accept"
                + " — see docs/SECURITY.md, Rotating the key";
        assertThat(e.deadLetters()).hasSize(1);
        assertThat(e.deadLetters().get(0).headers().get(Topology.REASON_HEADER).toString()).contains(expected);
        assertThat(e.deadLetters().get(0).headers()).as("not marked told: where this node's key is the odd one out,"
                + " its client refuses the answer below, and the coordinator answers from the letter")
                .doesNotContainKey(Topology.CLIENT_TOLD_HEADER);
        JobEnvelope told = e.results().get(0);
        assertThat(told.id()).isEqualTo(job.id());
        assertThat(told.status()).isEqualTo(JobStatus.ERROR);
        assertThat(Json.write(told.result()).length).isPositive();
        assertThat(new String(Json.write(told.result()))).contains(expected);
        assertThat(Signatures.resultIsSigned(key, told)).as("signed by the node, so the client believes it").isTrue();
    }
}
