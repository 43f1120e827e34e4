package io.impetus.core.codec;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.error.CodecException;

/**
 * Message bodies on the wire: compressed with zlib ("deflate" {@code content_encoding}) when
 * larger than a threshold, plain below it, where compression costs more than it saves. Decoding
 * is bounded by {@link Limits}: an over-long body or one that inflates too far is refused with a
 * {@link LimitExceededException}, never an {@code OutOfMemoryError}. Every received message is
 * read here: {@link #read(InboundMessage, Class)} decodes the body, then reads its JSON.
 */
public final class WireCodec {
    public static final int DEFAULT_THRESHOLD_BYTES = 1024;
    public static final String DEFLATE = "deflate";

    private final int thresholdBytes;
    private final Limits limits;

    public WireCodec(int thresholdBytes) {
        this(thresholdBytes, Limits.configured());
    }

    public WireCodec(int thresholdBytes, Limits limits) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("compression threshold must be >= 0 bytes, was " + thresholdBytes);
        }
        this.thresholdBytes = thresholdBytes;
        this.limits = limits;
    }

    public static WireCodec standard() {
        return new WireCodec(DEFAULT_THRESHOLD_BYTES);
    }

    public Limits limits() {
        return limits;
    }

    /** A body and the {@code content_encoding} to send with it ({@code null} when plain). */
    public record Encoded(byte[] body, String contentEncoding) {
    }

    /**
     * Encodes a body to send; one that the receiving side would refuse (over
     * {@link Limits#maxInflatedBytes()}) is refused here, where the sender can still be told.
     */
    public Encoded encode(byte[] plain) {
        if (plain.length > limits.maxInflatedBytes()) {
            throw new LimitExceededException(Limits.ENV_MAX_INFLATED_BYTES, limits.maxInflatedBytes(),
                    "a message of " + plain.length + " bytes");
        }
        if (plain.length > thresholdBytes) {
            return new Encoded(Zlib.compress(plain), DEFLATE);
        }
        return new Encoded(plain, null);
    }

    public byte[] decode(byte[] body, String contentEncoding) {
        if (body.length > limits.maxMessageBytes()) {
            throw new LimitExceededException(Limits.ENV_MAX_MESSAGE_BYTES, limits.maxMessageBytes(),
                    "a message body of " + body.length + " bytes");
        }
        if (contentEncoding == null || contentEncoding.isEmpty() || contentEncoding.equals("identity")) {
            if (body.length > limits.maxInflatedBytes()) {
                throw new LimitExceededException(Limits.ENV_MAX_INFLATED_BYTES, limits.maxInflatedBytes(),
                        "a message body of " + body.length + " bytes");
            }
            return body;
        }
        if (contentEncoding.equals(DEFLATE)) {
            return Zlib.decompress(body, limits.maxInflatedBytes());
        }
        throw new CodecException("unsupported content_encoding '" + contentEncoding
                + "' (Impetus writes 'deflate' or nothing)", null);
    }

    /** A received message's body, decoded. */
    public byte[] decode(InboundMessage m) {
        return decode(m.body(), m.contentEncoding());
    }

    /** A body decoded, then read as JSON of {@code type}; either step refuses with the reason. */
    public <T> T read(byte[] body, String contentEncoding, Class<T> type) {
        return Json.read(decode(body, contentEncoding), type);
    }

    /** A received message's body decoded, then read as JSON of {@code type}. */
    public <T> T read(InboundMessage m, Class<T> type) {
        return read(m.body(), m.contentEncoding(), type);
    }
}
