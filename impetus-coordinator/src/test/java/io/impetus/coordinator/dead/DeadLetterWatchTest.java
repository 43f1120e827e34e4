package io.impetus.coordinator.dead;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.job.JobBatch;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.QueueType;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.core.topology.TopologyDeclarer;
import io.impetus.testkit.fake.FakeBroker;
import io.impetus.testkit.fake.FakeDelivery;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every dead-lettered job whose client is readable gets an error result saying why, signed, so the
 * client's future fails instead of waiting for ever — unless its client was told already, it is a
 * result, or no client signed it with the installation's key.
 */
class DeadLetterWatchTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
    private final Topology topology = new Topology("t");
    private final FakeBroker broker = new FakeBroker();
    private final WireCodec wire = WireCodec.standard();
    private DeadLetterWatch watch;

    @BeforeEach
    void setUp() {
        TopologyDeclarer declarer = new TopologyDeclarer(broker, topology);
        declarer.declareShared(QueueType.CLASSIC);
        declarer.declareStream("s", StreamProperties.DEFAULTS);
        declarer.declareResults("s", "client-1", QueueType.CLASSIC);
        watch = new DeadLetterWatch(broker, topology, key);
        broker.consume(topology.deadWatchQueue(), 10, watch::handle);
    }

    private JobEnvelope job() {
        return Signatures.signJob(key, JobEnvelope.builder().id(UUID.randomUUID().toString()).stream("s")
                .client("client-1").name("square").function("a.B#square").code("0".repeat(64)).args(IntNode.valueOf(3))
                .callback("next").build());
    }

    private FakeDelivery deadLetter(byte[] json, String type, Map<String, Object> headers, String id) {
        return broker.deliver(topology.deadWatchQueue(),
                new InboundMessage("", "", json, null, headers, 0, null, null, id, type, false, null));
    }

    private List<JobEnvelope> answers() {
        return broker.publishedTo(topology.resultsExchange("s")).stream()
                .filter(m -> m.routingKey().equals(topology.resultRoutingKey("client-1")))
                .map(this::body).toList();
    }

    private JobEnvelope body(OutboundMessage m) {
        return Json.read(wire.decode(m.body(), m.contentEncoding()), JobEnvelope.class);
    }

    @Test
    void aJobTheBrokerDeadLetteredAtItsDeliveryLimitGetsASignedErrorSayingSo() {
        JobEnvelope job = job();
        FakeDelivery d = deadLetter(Json.write(job), null, Map.of("x-first-death-reason", "delivery_limit"), job.id());
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        JobEnvelope answer = answers().get(0);
        assertThat(answer.id()).isEqualTo(job.id());
        assertThat(answer.status()).isEqualTo(JobStatus.ERROR);
        assertThat(answer.result().get("error").asText()).contains("dead-lettered", "delivery limit");
        assertThat(Signatures.resultIsSigned(key, answer)).isTrue();
    }

    @Test
    void eachJobOfABatchIsAnsweredWithTheReasonImpetusGave() {
        JobEnvelope a = job();
        JobEnvelope b = job();
        deadLetter(JobBatch.write(List.of(a, b)), JobBatch.TYPE, Map.of(Topology.REASON_HEADER, "stream 's' is closed"),
                "batch-" + a.id());
        assertThat(answers()).extracting(JobEnvelope::id).containsExactly(a.id(), b.id());
        assertThat(answers().get(1).result().get("error").asText()).contains("stream 's' is closed");
    }

    @Test
    void aLetterWhoseClientWasToldAlreadyIsNotAnsweredTwice() {
        JobEnvelope job = job();
        FakeDelivery d = deadLetter(Json.write(job), null, Map.of(Topology.CLIENT_TOLD_HEADER, true,
                Topology.REASON_HEADER, "timed out"), job.id());
        assertThat(d.state()).isEqualTo(FakeDelivery.State.ACKED);
        assertThat(answers()).isEmpty();
    }

    @Test
    void aForgedJobGetsNoSignedAnswerAndAResultIsNeverAnswered() {
        JobEnvelope forged = JobEnvelope.builder().id("forged-1").stream("s").client("client-1").name("x")
                .function("java.lang.Integer#toHexString").code("0".repeat(64)).args(IntNode.valueOf(255)).build();
        deadLetter(Json.write(forged), null, new HashMap<>(), forged.id());
        JobEnvelope result = Signatures.signResult(key, job().startedBy("n", 1).finished(JobStatus.READY, IntNode.valueOf(9)));
        deadLetter(Json.write(result), null, Map.of(Topology.REASON_HEADER, "not a valid result"), result.id());
        FakeDelivery junk = deadLetter("not json".getBytes(), null, Map.of(), "junk");
        assertThat(answers()).isEmpty();
        assertThat(junk.state()).isEqualTo(FakeDelivery.State.ACKED);
    }

    @Test
    void aFailureLetterIsAnsweredByTheJobSignatureItCarries() {
        JobEnvelope job = job();
        // a letter whose body carries a result signature but is still a job (a node's invalid-job letter, say)
        JobEnvelope unsignedNow = job.withSignature(null);
        deadLetter(Json.write(unsignedNow), null, Map.of(Topology.JOB_SIGNATURE_HEADER, job.signature()), job.id());
        assertThat(answers()).hasSize(1);
    }
}
