package io.impetus.core.codec;

import io.impetus.core.error.CodecException;

/**
 * Message bodies on the wire: compressed with zlib ("deflate" {@code content_encoding}) when
 * larger than a threshold, plain below it, where compression costs more than it saves.
 */
public final class WireCodec {
    public static final int DEFAULT_THRESHOLD_BYTES = 1024;
    public static final String DEFLATE = "deflate";

    private final int thresholdBytes;

    public WireCodec(int thresholdBytes) {
        if (thresholdBytes < 0) {
            throw new IllegalArgumentException("compression threshold must be >= 0 bytes, was " + thresholdBytes);
        }
        this.thresholdBytes = thresholdBytes;
    }

    public static WireCodec standard() {
        return new WireCodec(DEFAULT_THRESHOLD_BYTES);
    }

    /** A body and the {@code content_encoding} to send with it ({@code null} when plain). */
    public record Encoded(byte[] body, String contentEncoding) {
    }

    public Encoded encode(byte[] plain) {
        if (plain.length > thresholdBytes) {
            return new Encoded(Zlib.compress(plain), DEFLATE);
        }
        return new Encoded(plain, null);
    }

    public byte[] decode(byte[] body, String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isEmpty() || contentEncoding.equals("identity")) {
            return body;
        }
        if (contentEncoding.equals(DEFLATE)) {
            return Zlib.decompress(body);
        }
        throw new CodecException("unsupported content_encoding '" + contentEncoding
                + "' (Impetus writes 'deflate' or nothing)", null);
    }
}
