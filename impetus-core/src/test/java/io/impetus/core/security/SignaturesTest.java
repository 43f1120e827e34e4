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

    /** The forms as written before they went into a reused buffer: every field's bytes, each after its length. */
    private static byte[] referenceForm(String kind, Object... fields) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.util.List<Object> all = new java.util.ArrayList<>();
        all.add(kind);
        all.addAll(java.util.Arrays.asList(fields));
        for (Object f : all) {
            byte[] b = f == null ? null : f instanceof byte[] bytes ? bytes : ((String) f).getBytes(StandardCharsets.UTF_8);
            int n = b == null ? -1 : b.length;
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            if (b != null) {
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static byte[] referenceJobForm(JobEnvelope j) {
        return referenceForm("impetus-job-v1", j.id(), j.stream(), j.client(), j.name(), j.function(), j.code(),
                j.callback(), Integer.toString(j.priority()), Double.toString(j.delay()), Json.write(j.args()));
    }

    private static byte[] referenceResultForm(JobEnvelope j) {
        return referenceForm("impetus-result-v1", j.id(), j.stream(), j.client(), j.callback(), j.status().wireName(),
                Json.write(j.result()));
    }

    @Test
    void theFormsInTheReusedBufferAreByteForByteTheFormerOnes() {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            big.append((char) ('a' + i % 26)).append(i % 7 == 0 ? "€\"\n\u0001" : "");
        }
        Map<String, Object> nested = new HashMap<>();
        nested.put("list", java.util.List.of(1, 2.5, -3e-9, Long.MAX_VALUE, "x/y", true));
        nested.put("big", new java.math.BigDecimal("12345678901234567890.000000001"));
        nested.put("null", null);
        java.util.List<com.fasterxml.jackson.databind.JsonNode> values = java.util.Arrays.asList(null,
                Json.tree(Map.of("x", 1.5, "y", "é")), Json.tree(42), Json.tree("plain"), Json.tree(nested),
                Json.tree(big.toString()), Json.tree(java.util.List.of()), Json.tree(Double.NaN));
        java.util.List<JobEnvelope> jobs = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode v : values) {
            jobs.add(job().withArgs(v));
            jobs.add(new JobEnvelope("ü-" + v, "s", null, "naïve", v, null, null, 7, 0.25, null, JobStatus.WAITING,
                    null, null, null, 0, null, null, null));
        }
        for (JobEnvelope j : jobs) {
            assertThat(Signatures.jobForm(j).bytes()).isEqualTo(referenceJobForm(j));
            for (com.fasterxml.jackson.databind.JsonNode r : values) {
                JobEnvelope done = j.startedBy("n", 1).finished(JobStatus.READY, r);
                assertThat(Signatures.resultForm(done).bytes()).isEqualTo(referenceResultForm(done));
            }
        }
        // after a large form, the thread's next forms are still right (its buffer is not kept that large)
        assertThat(Signatures.Form.start(new byte[] {1}).add("a").bytes()).isEqualTo(new byte[] {0, 0, 0, 1, 1, 0, 0, 0, 1, 'a'});
    }

    @Test
    void aSignatureIsTheHmacOfTheFormerForm() throws Exception {
        String base64 = SigningKey.generate();
        SigningKey k = SigningKey.parse(base64, "test");
        JobEnvelope signed = Signatures.signJob(k, job());
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(base64), "HmacSHA256"));
        String expected = java.util.Base64.getEncoder().encodeToString(mac.doFinal(referenceJobForm(job())));
        assertThat(signed.signature()).isEqualTo(k.keyId() + ":" + expected);
        assertThat(Signatures.jobCheck(k, signed).valid()).isTrue();
    }

    @Test
    void aThreadDoesNotKeepTheBufferOfTheLargestJobItSigned() throws Exception {
        String base64 = SigningKey.generate();
        SigningKey k = SigningKey.parse(base64, "test");
        JobEnvelope large = job().withArgs(Json.tree("x".repeat(1 << 20)));

        JobEnvelope signed = Signatures.signJob(k, large);

        assertThat(Signatures.Form.keptBytes()).as("dropped right after use, not at the next form")
                .isLessThanOrEqualTo(Signatures.Form.KEPT_BYTES);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(base64), "HmacSHA256"));
        assertThat(signed.signature()).isEqualTo(k.keyId() + ":"
                + java.util.Base64.getEncoder().encodeToString(mac.doFinal(referenceJobForm(large))));
        assertThat(Signatures.jobIsSigned(k, signed)).isTrue();
        assertThat(Signatures.Form.keptBytes()).as("after a check too").isLessThanOrEqualTo(Signatures.Form.KEPT_BYTES);
        Signatures.signJob(k, job().withArgs(Json.tree("y".repeat(Signatures.Form.KEPT_BYTES / 2))));
        assertThat(Signatures.Form.keptBytes()).as("a buffer within the cap is kept for reuse")
                .isGreaterThan(Signatures.Form.KEPT_BYTES / 2);
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
