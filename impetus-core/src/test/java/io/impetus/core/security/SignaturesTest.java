package io.impetus.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.error.InvalidPropertyException;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    private final SigningKey key = SigningKey.parse(SigningKey.generate(), "test");
    private final SigningKey other = SigningKey.parse(SigningKey.generate(), "test");

    private static JobEnvelope job() {
        return JobEnvelope.builder().id("j1").stream("s").client("c").name("f").function("a.B#f").code("0".repeat(64))
                .args(Json.tree(Map.of("x", 1.5, "y", "é"))).callback("next").priority(3).delay(0).build();
    }

    @Test
    void aSignedJobSurvivesTheWireRetriesAndDelaysButNoChangeToWhatRuns() {
        JobEnvelope signed = Signatures.signJob(key, job());
        JobEnvelope wire = Json.read(Json.write(signed), JobEnvelope.class);
        assertThat(Signatures.jobIsSigned(key, wire)).isTrue();
        assertThat(Signatures.jobIsSigned(key, wire.startedBy("n", 1).requeued())).as("a retry").isTrue();
        assertThat(Signatures.jobIsSigned(other, wire)).isFalse();
        assertThat(Signatures.jobIsSigned(key, job())).as("unsigned").isFalse();
        JobEnvelope forged = Json.read(Json.write(signed).clone(), JobEnvelope.class);
        forged = new JobEnvelope(forged.id(), forged.stream(), forged.client(), forged.name(), Json.tree(42),
                forged.code(), forged.callback(), forged.priority(), forged.delay(), forged.created(), forged.status(),
                null, null, null, 0, null, forged.function(), forged.signature());
        assertThat(Signatures.jobIsSigned(key, forged)).as("argument changed").isFalse();
        assertThat(Signatures.jobIsSigned(key, signed.withPriority(9))).as("priority changed").isFalse();
    }

    @Test
    void aResultIsSignedOverItsValueAndStatus() {
        JobEnvelope done = Signatures.signResult(key,
                Signatures.signJob(key, job()).startedBy("n", 1).finished(JobStatus.READY, Json.tree(9)));
        JobEnvelope wire = Json.read(Json.write(done), JobEnvelope.class);
        assertThat(Signatures.resultIsSigned(key, wire)).isTrue();
        JobEnvelope changed = new JobEnvelope(wire.id(), wire.stream(), wire.client(), wire.name(), wire.args(), wire.code(),
                wire.callback(), wire.priority(), wire.delay(), wire.created(), wire.status(), Json.tree(8), wire.node(),
                wire.worker(), wire.attempts(), wire.transport(), wire.function(), wire.signature());
        assertThat(Signatures.resultIsSigned(key, changed)).as("result changed").isFalse();
    }

    @Test
    void aShortOrGarbledKeyIsRefusedAndTheKeyNeverPrintsItself() {
        assertThatThrownBy(() -> SigningKey.parse("c2hvcnQ=", "IMPETUS_SIGNING_KEY")).isInstanceOf(InvalidPropertyException.class)
                .hasMessageContaining("at least 32");
        assertThatThrownBy(() -> SigningKey.parse("not_base64!", "f")).hasMessageContaining("not base64");
        assertThat(key.toString()).doesNotContain(SigningKey.generate().substring(0, 4)).contains("hidden");
        assertThat(SigningKey.fromEnvironment(Map.of())).isNull();
    }

    private static InboundMessage event(String routingKey, byte[] body, Map<String, Object> headers) {
        return new InboundMessage("impetus.events", routingKey, body, null, headers, null, null, null,
                null, routingKey, false, null);
    }

    @Test
    void anEventIsSignedOverItsRoutingKeyBodyAndTimeAndRefusedWhenStaleOrForged() {
        Clock at = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        byte[] body = "{\"id\":\"s\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> headers = Signatures.eventHeaders(key, "stream.updated", body, at);
        assertThat(Signatures.eventCheck(key, event("stream.updated", body, headers), at).valid()).isTrue();
        assertThat(Signatures.eventCheck(key, event("stream.closed", body, headers), at).valid()).as("another key")
                .isFalse();
        assertThat(Signatures.eventCheck(key, event("stream.updated", "{}".getBytes(), headers), at).valid())
                .as("another body").isFalse();
        assertThat(Signatures.eventCheck(key, event("stream.updated", body, Map.of()), at).reason()).isEqualTo("not signed");
        assertThat(Signatures.eventCheck(key, event("stream.updated", body,
                Signatures.eventHeaders(other, "stream.updated", body, at)), at).unknownKey()).isTrue();
        Map<String, Object> restamped = new HashMap<>(headers);
        restamped.put(Topology.SIGNED_AT_HEADER, Long.toString(at.millis() + 1000));
        assertThat(Signatures.eventCheck(key, event("stream.updated", body, restamped), at).valid())
                .as("its time changed").isFalse();
        Clock later = Clock.offset(at, Signatures.FRESHNESS.plusSeconds(1));
        assertThat(Signatures.eventCheck(key, event("stream.updated", body, headers), later).reason())
                .as("replayed after the window").startsWith("stale: signed 301 s ago");
        assertThat(Signatures.eventAccepted(null, event("stream.updated", body, Map.of()), at)).as("no key").isTrue();
    }

    @Test
    void aControlRequestIsSignedOverItsIdTypeJsonAndTime() {
        Clock at = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        byte[] json = "{}".getBytes();
        Map<String, Object> h = Signatures.controlHeaders(key, "id-1", "fetch_bundle", json, at);
        String sig = (String) h.get(Topology.SIGNATURE_HEADER);
        String signedAt = (String) h.get(Topology.SIGNED_AT_HEADER);
        assertThat(Signatures.controlCheck(key, "id-1", "fetch_bundle", json, sig, signedAt, at).valid()).isTrue();
        assertThat(Signatures.controlCheck(key, "id-2", "fetch_bundle", json, sig, signedAt, at).valid()).isFalse();
        assertThat(Signatures.controlCheck(key, "id-1", "acquire_permits", json, sig, signedAt, at).valid()).isFalse();
        assertThat(Signatures.controlCheck(key, "id-1", "fetch_bundle", json, sig, signedAt,
                Clock.offset(at, Duration.ofMinutes(6))).reason()).startsWith("stale");
        assertThat(Signatures.controlCheck(key, "id-1", "fetch_bundle", json, sig, null, at).valid()).isFalse();
    }

    @Test
    void aJobSignedWithAKeyNotAcceptedSaysSo() {
        SignatureCheck check = Signatures.jobCheck(key, Signatures.signJob(other, job()));
        assertThat(check.unknownKey()).isTrue();
        assertThat(check.reason()).contains("signed with key id " + other.keyId());
    }
}
