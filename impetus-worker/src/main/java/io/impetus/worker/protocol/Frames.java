package io.impetus.worker.protocol;

import io.impetus.core.codec.Json;
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
        byte[] bytes = Json.write(message);
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
