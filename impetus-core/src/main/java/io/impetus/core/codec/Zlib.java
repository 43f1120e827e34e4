package io.impetus.core.codec;

import io.impetus.core.error.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** zlib (RFC 1950) compression, the format of Python's {@code zlib} and HTTP's "deflate". */
public final class Zlib {
    private Zlib() {
    }

    /**
     * Most idle deflaters and inflaters kept for reuse (each of either kind): a new one costs a native
     * zlib state (about 256 KB for a deflater) set up and torn down per message, a kept one a reset; a
     * few cover the threads that compress at once without holding native memory per thread.
     */
    static final int KEPT = 4;
    private static final Queue<Deflater> DEFLATERS = new ConcurrentLinkedQueue<>();
    private static final Queue<Inflater> INFLATERS = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_DEFLATERS = new AtomicInteger();
    private static final AtomicInteger IDLE_INFLATERS = new AtomicInteger();

    public static byte[] compress(byte[] data) {
        Deflater deflater = DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        } else {
            IDLE_DEFLATERS.decrementAndGet();
        }
        boolean reusable = false;
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] buf = new byte[8192];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            reusable = true;
            return out.toByteArray();
        } finally {
            if (reusable && IDLE_DEFLATERS.incrementAndGet() <= KEPT) {
                deflater.reset();
                DEFLATERS.add(deflater);
            } else {
                if (reusable) {
                    IDLE_DEFLATERS.decrementAndGet();
                }
                deflater.end();
            }
        }
    }

    /** Idle deflaters and inflaters kept now (for tests). */
    static int kept() {
        return DEFLATERS.size() + INFLATERS.size();
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
        Inflater inflater = INFLATERS.poll();
        if (inflater == null) {
            inflater = new Inflater();
        } else {
            IDLE_INFLATERS.decrementAndGet();
        }
        boolean reusable = false;
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
            reusable = true;
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new CodecException("not zlib data: " + e.getMessage(), e);
        } finally {
            if (reusable && IDLE_INFLATERS.incrementAndGet() <= KEPT) {
                inflater.reset();
                INFLATERS.add(inflater);
            } else {
                if (reusable) {
                    IDLE_INFLATERS.decrementAndGet();
                }
                inflater.end();
            }
        }
    }
}
