package io.impetus.core.security;

import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a signature covers. A job's: every field that decides what runs and where its result goes
 * (id, stream, client, name, function, code bundle, callback, priority, delay, arguments). A
 * result's: id, stream, client, callback, status and the result itself. Each field goes in with
 * its length, so no two envelopes share a signed form; attempts, node and status changes on the
 * way (a retry, a delay falling due) do not touch a job's signature.
 */
public final class Signatures {
    private static final byte[] JOB = "impetus-job-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESULT = "impetus-result-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTROL = "impetus-control-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "impetus-event-v1".getBytes(StandardCharsets.US_ASCII);

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

    /** A control request: its correlation id, its type and its JSON. */
    public static String signControl(SigningKey key, String id, String type, byte[] json) {
        return key.sign(new Form(CONTROL).add(id).add(type).add(json).bytes());
    }

    public static boolean controlIsSigned(SigningKey key, String id, String type, byte[] json, String signature) {
        return key.verify(new Form(CONTROL).add(id).add(type).add(json).bytes(), signature);
    }

    /** An event (a heartbeat, a drain request): its routing key and its body. */
    public static String signEvent(SigningKey key, String routingKey, byte[] body) {
        return key.sign(new Form(EVENT).add(routingKey).add(body).bytes());
    }

    public static boolean eventIsSigned(SigningKey key, String routingKey, byte[] body, String signature) {
        return key.verify(new Form(EVENT).add(routingKey).add(body).bytes(), signature);
    }

    /** Headers that carry an event's signature with {@code key}, or none without a key. */
    public static java.util.Map<String, Object> eventHeaders(SigningKey key, String routingKey, byte[] body) {
        return key == null ? java.util.Map.of()
                : java.util.Map.of(io.impetus.core.topology.Topology.SIGNATURE_HEADER, signEvent(key, routingKey, body));
    }

    /** Whether an event is acceptable: anything without a key; with one, only a signed event. */
    public static boolean eventAccepted(SigningKey key, io.impetus.core.broker.InboundMessage m) {
        return key == null || eventIsSigned(key, m.routingKey(), m.body(),
                m.header(io.impetus.core.topology.Topology.SIGNATURE_HEADER));
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
