package io.impetus.core.security;

import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.topology.Topology;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What a signature covers. A job's: every field that decides what runs and where its result goes
 * (id, stream, client, name, function, code bundle, callback, priority, delay, arguments). A
 * result's: id, stream, client, callback, status and the result itself. Each field goes in with
 * its length, so no two envelopes share a signed form; attempts, node and status changes on the
 * way (a retry, a delay falling due) do not touch a job's signature. A control request's and an
 * event's (heartbeats, drain requests, stream events, {@code _lost} notices): its type or routing
 * key, its body and the time it was signed, which a receiver holds to {@link #FRESHNESS}.
 */
public final class Signatures {
    private static final byte[] JOB = "impetus-job-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULT = "impetus-result-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTROL = "impetus-control-v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "impetus-event-v2".getBytes(StandardCharsets.US_ASCII);
    /** How far from the receiver's clock a control request's or an event's time of signing may be. */
    public static final Duration FRESHNESS = Duration.ofMinutes(5);

    private Signatures() {
    }

    public static JobEnvelope signJob(SigningKey key, JobEnvelope job) {
        return job.withSignature(key.sign(jobForm(job)));
    }

    public static boolean jobIsSigned(SigningKey key, JobEnvelope job) {
        return jobSignatureIs(key, job, job.signature());
    }

    /**
     * Whether {@code signature} is {@code key}'s signature of {@code job}'s job fields, whatever the
     * envelope carries now (a finished job carries its result's signature instead).
     */
    public static boolean jobSignatureIs(SigningKey key, JobEnvelope job, String signature) {
        return key.verify(jobForm(job), signature);
    }

    /**
     * Whether a client signed {@code job} with {@code key}: the envelope carries that signature, or (a
     * failure letter, whose envelope carries the node's result signature) {@code carried} is it.
     */
    public static boolean clientSigned(SigningKey key, JobEnvelope job, String carried) {
        return jobIsSigned(key, job) || jobSignatureIs(key, job, carried);
    }

    public static JobEnvelope signResult(SigningKey key, JobEnvelope done) {
        return done.withSignature(key.sign(resultForm(done)));
    }

    public static boolean resultIsSigned(SigningKey key, JobEnvelope done) {
        return key.verify(resultForm(done), done.signature());
    }

    /**
     * Whether {@code job} carries a signature of its job fields by an accepted key, and if not why not
     * ({@link SignatureCheck#unknownKey()} for a key this installation does not accept).
     */
    public static SignatureCheck jobCheck(SigningKey key, JobEnvelope job) {
        return key.check(jobForm(job), job.signature());
    }

    /**
     * Headers that sign a control request (its correlation id, its type, its JSON and the time of
     * signing) with {@code key}, or none without a key.
     */
    public static Map<String, Object> controlHeaders(SigningKey key, String id, String type, byte[] json, Clock clock) {
        if (key == null) {
            return Map.of();
        }
        String at = Long.toString(clock.millis());
        return Map.of(Topology.SIGNATURE_HEADER, key.sign(controlForm(id, type, json, at)), Topology.SIGNED_AT_HEADER, at);
    }

    /** Whether a control request's signature (and its time of signing, within {@link #FRESHNESS}) is good. */
    public static SignatureCheck controlCheck(SigningKey key, String id, String type, byte[] json, String signature,
                                              String signedAt, Clock clock) {
        return fresh(key.check(controlForm(id, type, json, signedAt), signature), signedAt, clock);
    }

    private static byte[] controlForm(String id, String type, byte[] json, String signedAt) {
        return new Form(CONTROL).add(id).add(type).add(json).add(signedAt).bytes();
    }

    /**
     * Headers that sign an event or a notice (a heartbeat, a drain request, a stream event, a
     * {@code _lost} notice): its routing key, its body and the time of signing; none without a key.
     */
    public static Map<String, Object> eventHeaders(SigningKey key, String routingKey, byte[] body, Clock clock) {
        if (key == null) {
            return Map.of();
        }
        String at = Long.toString(clock.millis());
        return Map.of(Topology.SIGNATURE_HEADER, key.sign(eventForm(routingKey, body, at)), Topology.SIGNED_AT_HEADER, at);
    }

    /** Whether an event is signed by an accepted key, within {@link #FRESHNESS} of {@code clock}, and if not why not. */
    public static SignatureCheck eventCheck(SigningKey key, InboundMessage m, Clock clock) {
        String at = m.header(Topology.SIGNED_AT_HEADER);
        return fresh(key.check(eventForm(m.routingKey(), m.body(), at), m.header(Topology.SIGNATURE_HEADER)), at, clock);
    }

    /** Whether an event is acceptable: anything without a key; with one, only a signed and fresh event. */
    public static boolean eventAccepted(SigningKey key, InboundMessage m, Clock clock) {
        return key == null || eventCheck(key, m, clock).valid();
    }

    private static byte[] eventForm(String routingKey, byte[] body, String signedAt) {
        return new Form(EVENT).add(routingKey).add(body).add(signedAt).bytes();
    }

    /** A good signature is still refused when it was made outside the freshness window (a replay, or a skewed clock). */
    private static SignatureCheck fresh(SignatureCheck check, String signedAt, Clock clock) {
        if (!check.valid()) {
            return check;
        }
        long at;
        try {
            at = Long.parseLong(signedAt);
        } catch (NumberFormatException e) {
            return SignatureCheck.refused(check.keyId(), "no time of signing");
        }
        long age = clock.millis() - at;
        if (Math.abs(age) > FRESHNESS.toMillis()) {
            return SignatureCheck.refused(check.keyId(), "stale: signed " + (age > 0 ? age / 1000 + " s ago" : -age / 1000
                    + " s in the future") + ", outside the freshness window of " + FRESHNESS.toMinutes()
                    + " min (a replay, or a clock off by that much — run NTP)");
        }
        return check;
    }

    static byte[] jobForm(JobEnvelope j) {
        Form f = new Form(JOB);
        f.add(j.id()).add(j.stream()).add(j.client()).add(j.name()).add(j.function()).add(j.code()).add(j.callback())
                .add(Integer.toString(j.priority())).add(Double.toString(j.delay())).add(Json.write(j.args()));
        return f.bytes();
    }

    static byte[] resultForm(JobEnvelope j) {
        Form f = new Form(RESULT);
        f.add(j.id()).add(j.stream()).add(j.client()).add(j.callback()).add(j.status().wireName())
                .add(Json.write(j.result()));
        return f.bytes();
    }

    /** Length-prefixed fields: {@code -1} for a missing one. */
    private static final class Form {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Form(byte[] kind) {
            add(kind);
        }

        Form add(String value) {
            return add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Form add(byte[] value) {
            int n = value == null ? -1 : value.length;
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            if (value != null) {
                out.write(value, 0, value.length);
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
