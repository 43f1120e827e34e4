package io.impetus.core.codec;

import io.impetus.core.error.CodecException;
import io.impetus.core.job.JobEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The seed's task-file line: base64(zlib(JSON envelope)), one job per line. A line decodes with
 * {@code base64 --decode | zlib-flate -uncompress} or Python's
 * {@code zlib.decompress(base64.b64decode(line))}.
 */
public final class TaskFileLine {
    private TaskFileLine() {
    }

    public static String encode(JobEnvelope job) {
        return Base64.getEncoder().encodeToString(Zlib.compress(Json.write(job)));
    }

    public static JobEnvelope decode(String line) {
        return Json.read(decodeJson(line), JobEnvelope.class);
    }

    /** The JSON text a line holds, for tools that want it raw. */
    public static byte[] decodeJson(String line) {
        try {
            return Zlib.decompress(Base64.getMimeDecoder().decode(line.strip()));
        } catch (IllegalArgumentException e) {
            throw new CodecException("task-file line is not base64: " + e.getMessage(), e);
        }
    }

    public static String decodeJsonText(String line) {
        return new String(decodeJson(line), StandardCharsets.UTF_8);
    }
}
