package io.impetus.worker.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import io.impetus.core.dead.DeadLetters;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import io.impetus.core.stream.StreamProperties;
import io.impetus.core.topology.Topology;
import io.impetus.testkit.fake.FakeBroker;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job that failed for good is dead-lettered by its node with its client's signature of the job
 * beside the node's signed error result; {@code impetus dead replay} signs again only a letter whose
 * job fields that signature still covers. A letter changed in the queue (another function, another
 * argument) is refused: the node's result signature covers none of what would run.
 */
class ReplayTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
    private final WireCodec wire = WireCodec.standard();
    private Engine engine;
    private JobEnvelope original;
    private OutboundMessage letter;

    @BeforeEach
    void aSignedJobWhoseWorkerDiesOnItsOnlyAttemptIsDeadLettered() {
        engine = new Engine(Map.of("maxAttempts", 1), 1, new WorkerSlots(10), key);
        original = Signatures.signJob(key, Engine.job().build());
        engine.deliver(original);
        engine.runBlocking();
        engine.worker(0).die(137);
        assertThat(engine.deadLetters()).hasSize(1);
        letter = engine.deadLetters().get(0);
    }

    @Test
    void theFailureLetterCarriesTheClientsSignatureOfTheJob() {
        JobEnvelope dead = body(letter);
        assertThat(dead.status()).isEqualTo(JobStatus.ERROR);
        assertThat(Signatures.jobIsSigned(key, dead)).as("the envelope carries the node's result signature").isFalse();
        assertThat(letter.headers().get(Topology.JOB_SIGNATURE_HEADER)).isEqualTo(original.signature());
        assertThat(Signatures.jobSignatureIs(key, dead, original.signature())).isTrue();
        assertThat(letter.headers()).as("the node sent the client its error itself").containsKey(Topology.CLIENT_TOLD_HEADER);
    }

    @Test
    void theLetterAsTheNodeSentItIsReplayedSignedWithItsWorkUnchanged() {
        assertThat(engine.broker.held(engine.topology.deadQueue())).as("the dead exchange routed it there")
                .extracting(InboundMessage::messageId).containsExactly(letter.messageId());
        assertThat(replay()).isEqualTo(1);
        JobEnvelope again = replayed().get(0);
        assertThat(again.id()).isEqualTo(original.id() + "-r1");
        assertThat(again.function()).isEqualTo(original.function());
        assertThat(again.args()).isEqualTo(original.args());
        assertThat(Signatures.jobIsSigned(key, again)).isTrue();
        assertThat(engine.broker.held(engine.topology.deadQueue())).isEmpty();
    }

    @Test
    void aLetterWhoseFunctionAndArgumentWereChangedInTheQueueIsRefusedAndStays() {
        // what a program with only a broker login did: took the letter, changed what runs, put it back
        String json = new String(wire.decode(letter.body(), letter.contentEncoding()));
        String forged = json.replace(original.function(), "java.lang.Integer#toHexString").replace("\"args\":3",
                "\"args\":255");
        assertThat(forged).isNotEqualTo(json);
        InboundMessage changed = new InboundMessage("", "", forged.getBytes(), null, letter.headers(), 0, null, null,
                letter.messageId(), null, false, null);
        takeTheLetterOut();
        engine.broker.hold(engine.topology.deadQueue(), changed);
        assertThat(replay()).isZero();
        assertThat(replayed()).isEmpty();
        assertThat(engine.broker.held(engine.topology.deadQueue())).hasSize(1);
    }

    @Test
    void aFailureLetterWithoutTheJobSignatureIsRefusedThoughItsResultIsSigned() {
        Map<String, Object> headers = new HashMap<>(letter.headers());
        headers.remove(Topology.JOB_SIGNATURE_HEADER);
        InboundMessage bare = new InboundMessage("", "", letter.body(), letter.contentEncoding(), headers, 0, null,
                null, letter.messageId(), null, false, null);
        assertThat(Signatures.resultIsSigned(key, body(letter))).isTrue();
        takeTheLetterOut();
        engine.broker.hold(engine.topology.deadQueue(), bare);
        assertThat(replay()).isZero();
        assertThat(replayed()).isEmpty();
    }

    /** Takes the letter the node dead-lettered out of the dead queue, to put back another in its place. */
    private void takeTheLetterOut() {
        assertThat(engine.broker.sweep(engine.topology.deadQueue(), 10, m -> true)).isEqualTo(1);
    }

    private int replay() {
        StreamInfo open = new StreamInfo(Engine.STREAM, StreamProperties.DEFAULTS, StreamInfo.State.OPEN,
                Instant.EPOCH, null);
        return new DeadLetters(engine.broker, engine.topology).replay(d -> true, id -> open, key);
    }

    private List<JobEnvelope> replayed() {
        return engine.broker.publishedTo("").stream()
                .filter(m -> m.routingKey().equals(engine.topology.jobsQueue(Engine.STREAM)))
                .map(this::body).filter(j -> j.id().endsWith("-r1")).toList();
    }

    private JobEnvelope body(OutboundMessage m) {
        return Json.read(wire.decode(m.body(), m.contentEncoding()), JobEnvelope.class);
    }
}
