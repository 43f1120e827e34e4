package io.impetus.core.codec;

import io.impetus.core.error.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** zlib (RFC 1950) compression, the format of Python's {@code zlib} and HTTP's "deflate". */
public final class Zlib {
    private Zlib() {
    }

    public static byte[] compress(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** Inflates with the configured {@link Limits#maxInflatedBytes()}. */
    public static byte[] decompress(byte[] data) {
        return decompress(data, Limits.configured().maxInflatedBytes());
    }

    /**
     * Inflates {@code data}, refusing to produce more than {@code maxBytes}: a bomb stops at the
     * limit with a {@link LimitExceededException}, long before memory runs out.
     */
    public static byte[] decompress(byte[] data, long maxBytes) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            int initial = (int) Math.min(maxBytes, Math.max(64L, Math.min(data.length * 4L, 1L << 20)));
            ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
            byte[] buf = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new CodecException("zlib data is truncated (" + data.length + " bytes)", null);
                }
                if ((long) out.size() + n > maxBytes) {
                    throw new LimitExceededException(Limits.ENV_MAX_INFLATED_BYTES, maxBytes,
                            "a deflate body of " + data.length + " bytes, inflated,");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new CodecException("not zlib data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
