package io.impetus.core.job;

import com.fasterxml.jackson.core.type.TypeReference;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.error.CodecException;
import java.io.IOException;
import java.util.List;

/**
 * Several job envelopes in one message: a node's results for one client that finished while its
 * last publish waited for the broker's confirm, or jobs a client forked together. The message's
 * type is {@link #TYPE} and its body a JSON array of envelopes; each envelope is checked (and its
 * signature verified) on its own, exactly as if it had come alone.
 */
public final class JobBatch {
    /** The AMQP message type of a batch. */
    public static final String TYPE = "batch";
    /** Most envelopes in one batch. */
    public static final int MAX_ITEMS = 256;
    private static final TypeReference<List<JobEnvelope>> LIST = new TypeReference<>() {
    };

    private JobBatch() {
    }

    public static byte[] write(List<JobEnvelope> jobs) {
        if (jobs.isEmpty() || jobs.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_ITEMS + " jobs, not " + jobs.size());
        }
        return Json.write(jobs);
    }

    /** The envelopes of a batch body; a body that is not a non-empty array of at most {@link #MAX_ITEMS} is refused. */
    public static List<JobEnvelope> read(byte[] json) {
        List<JobEnvelope> jobs;
        try {
            jobs = Json.mapper().readValue(json, LIST);
        } catch (IOException e) {
            throw new CodecException("not a valid batch of jobs: " + e.getMessage(), e);
        }
        if (jobs == null || jobs.isEmpty() || jobs.size() > MAX_ITEMS) {
            throw new CodecException("a batch must hold 1 to " + MAX_ITEMS + " jobs, held "
                    + (jobs == null ? "null" : jobs.size()), null);
        }
        for (JobEnvelope j : jobs) {
            if (j == null) {
                throw new CodecException("a batch holds a null job", null);
            }
        }
        return jobs;
    }

    /** One job of a batch message as a message of its own (its JSON the body), to dead-letter it alone. */
    public static InboundMessage itemMessage(InboundMessage batch,
                                                                    JobEnvelope job) {
        byte[] json;
        try {
            json = Json.write(job);
        } catch (RuntimeException e) {
            json = new byte[0];
        }
        return batch.item(json, job == null ? null : job.id(),
                job == null || job.status() == null ? null : job.status().wireName());
    }
}
