package io.impetus.core.security;

import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.topology.Topology;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
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
        return job.withSignature(jobForm(job).sign(key));
    }

    public static boolean jobIsSigned(SigningKey key, JobEnvelope job) {
        return jobSignatureIs(key, job, job.signature());
    }

    /**
     * Whether {@code signature} is {@code key}'s signature of {@code job}'s job fields, whatever the
     * envelope carries now (a finished job carries its result's signature instead).
     */
    public static boolean jobSignatureIs(SigningKey key, JobEnvelope job, String signature) {
        return jobForm(job).check(key, signature).valid();
    }

    /**
     * Whether a client signed {@code job} with {@code key}: the envelope carries that signature, or (a
     * failure letter, whose envelope carries the node's result signature) {@code carried} is it.
     */
    public static boolean clientSigned(SigningKey key, JobEnvelope job, String carried) {
        return jobIsSigned(key, job) || jobSignatureIs(key, job, carried);
    }

    public static JobEnvelope signResult(SigningKey key, JobEnvelope done) {
        return done.withSignature(resultForm(done).sign(key));
    }

    public static boolean resultIsSigned(SigningKey key, JobEnvelope done) {
        return resultCheck(key, done).valid();
    }

    /** Whether {@code done} carries a node's signature by an accepted key, and if not why not. */
    public static SignatureCheck resultCheck(SigningKey key, JobEnvelope done) {
        return resultForm(done).check(key, done.signature());
    }

    /**
     * Whether {@code job} carries a signature of its job fields by an accepted key, and if not why not
     * ({@link SignatureCheck#unknownKey()} for a key this installation does not accept).
     */
    public static SignatureCheck jobCheck(SigningKey key, JobEnvelope job) {
        return jobForm(job).check(key, job.signature());
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
        return Form.start(CONTROL).add(id).add(type).add(json).add(signedAt).bytes();
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
        return Form.start(EVENT).add(routingKey).add(body).add(signedAt).bytes();
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

    /** A job's signed form, in this thread's {@link Form} (used before the next form is started here). */
    static Form jobForm(JobEnvelope j) {
        return Form.start(JOB).add(j.id()).add(j.stream()).add(j.client()).add(j.name()).add(j.function()).add(j.code())
                .add(j.callback()).add(Integer.toString(j.priority())).add(Double.toString(j.delay())).addJson(j.args());
    }

    /** A result's signed form, in this thread's {@link Form}. */
    static Form resultForm(JobEnvelope j) {
        return Form.start(RESULT).add(j.id()).add(j.stream()).add(j.client()).add(j.callback())
                .add(j.status().wireName()).addJson(j.result());
    }

    /**
     * Length-prefixed fields ({@code -1} for a missing one), written into one buffer per thread that
     * is reused form after form and given to the MAC as it is: no array per field, per JSON value or
     * per form. A form is used (signed, checked or copied) before the thread starts the next one, and
     * a buffer that the form grew past {@link #KEPT_BYTES} (a job with large arguments) is dropped right
     * after that use, so a thread does not keep the size of the largest job it ever signed.
     */
    static final class Form extends OutputStream {
        private static final ThreadLocal<Form> OF_THREAD = ThreadLocal.withInitial(Form::new);
        /** A buffer grown past this (a job with large arguments) is not kept for the thread's next form. */
        static final int KEPT_BYTES = 64 * 1024;

        private static final int INITIAL_BYTES = 512;

        byte[] buf = new byte[INITIAL_BYTES];
        int count;

        /** This thread's form, emptied, starting with {@code kind}. */
        static Form start(byte[] kind) {
            Form f = OF_THREAD.get();
            f.count = 0;
            return f.add(kind);
        }

        Form add(String value) {
            if (value == null) {
                return length(-1);
            }
            int n = value.length();
            ensure(4 + n);
            int at = count + 4;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) { // not ASCII: the UTF-8 bytes, as String.getBytes makes them
                    return add(value.getBytes(StandardCharsets.UTF_8));
                }
                buf[at + i] = (byte) c;
            }
            length(n);
            count += n;
            return this;
        }

        Form add(byte[] value) {
            if (value == null) {
                return length(-1);
            }
            length(value.length);
            write(value, 0, value.length);
            return this;
        }

        /** A JSON value as {@link Json#write} writes it ({@code null} as {@code null}), written straight into the form. */
        Form addJson(JsonNode value) {
            int at = count;
            length(0);
            Json.writeTo(this, value);
            int n = count - at - 4;
            buf[at] = (byte) (n >>> 24);
            buf[at + 1] = (byte) (n >>> 16);
            buf[at + 2] = (byte) (n >>> 8);
            buf[at + 3] = (byte) n;
            return this;
        }

        private Form length(int n) {
            ensure(4);
            buf[count] = (byte) (n >>> 24);
            buf[count + 1] = (byte) (n >>> 16);
            buf[count + 2] = (byte) (n >>> 8);
            buf[count + 3] = (byte) n;
            count += 4;
            return this;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        /** {@code key}'s signature of the form; then the form is done with. */
        String sign(SigningKey key) {
            try {
                return key.sign(buf, count);
            } finally {
                done();
            }
        }

        /** Whether {@code signature} is an accepted key's signature of the form; then the form is done with. */
        SignatureCheck check(SigningKey key, String signature) {
            try {
                return key.check(buf, count, signature);
            } finally {
                done();
            }
        }

        /** A copy of the form's bytes; then the form is done with. */
        byte[] bytes() {
            try {
                return Arrays.copyOf(buf, count);
            } finally {
                done();
            }
        }

        /** The form was used: a buffer grown past {@link #KEPT_BYTES} is not kept for the thread's next form. */
        private void done() {
            count = 0;
            if (buf.length > KEPT_BYTES) {
                buf = new byte[INITIAL_BYTES];
            }
        }

        /** The size of the buffer this thread keeps between forms (for tests). */
        static int keptBytes() {
            return OF_THREAD.get().buf.length;
        }
    }
}
