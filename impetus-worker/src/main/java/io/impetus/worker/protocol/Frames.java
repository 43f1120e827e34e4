package io.impetus.worker.protocol;

import io.impetus.core.codec.Json;
import io.impetus.core.error.CodecException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/** Length-prefixed JSON frames on a worker's stdin and stdout: a 4-byte length, then the bytes. */
public final class Frames {
    /** Largest frame accepted; a job's argument or result beyond this is refused. */
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private Frames() {
    }

    public static void write(DataOutputStream out, Object message) throws IOException {
        writeEncoded(out, encode(message));
    }

    /**
     * {@code message} as a frame's bytes, before anything is written: one that cannot be written as JSON (nested
     * deeper than {@link Json#MAX_WRITE_NESTING}) or is larger than {@link #MAX_FRAME_BYTES} is refused here with
     * a {@link CodecException} that says why, and the stream is left as it was.
     */
    public static byte[] encode(Object message) {
        byte[] bytes = Json.write(message);
        if (bytes.length > MAX_FRAME_BYTES) {
            throw new CodecException(message.getClass().getSimpleName() + " of " + bytes.length
                    + " bytes is larger than a frame may be (" + MAX_FRAME_BYTES + " bytes)", null);
        }
        return bytes;
    }

    /** Writes a frame made by {@link #encode}. */
    public static void writeEncoded(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** The next frame as {@code type}, or {@code null} at a clean end of stream. */
    public static <T> T read(DataInputStream in, Class<T> type) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 0 || length > MAX_FRAME_BYTES) {
            throw new IOException("bad frame length " + length + " (the stream is corrupt)");
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new EOFException("frame cut short: " + bytes.length + " of " + length + " bytes");
        }
        return Json.read(bytes, type);
    }
}
