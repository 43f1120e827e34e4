package io.impetus.core.job;

import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.codec.Json;
import io.impetus.core.codec.WireCodec;
import java.util.List;

/**
 * A job's message, the one way it is made (the reverse of {@link JobParts}): the envelope's JSON,
 * encoded by the {@link WireCodec}, with the job's id, priority and status as the message's id,
 * priority and type; several jobs as one {@link JobBatch} message. Used for jobs sent to a stream
 * (client, delayed jobs, replays) and results sent to a client (node, dead-letter watch).
 */
public final class JobMessages {
    private JobMessages() {
    }

    /** {@code to} carrying {@code job}; refuses a job too large to send with the reason. */
    public static OutboundMessage.Builder single(OutboundMessage.Builder to, JobEnvelope job, WireCodec wire) {
        WireCodec.Encoded body = wire.encode(Json.write(job));
        return to.body(body.body()).contentEncoding(body.contentEncoding()).messageId(job.id())
                .priority(job.priority()).type(job.status().wireName());
    }

    /** {@code to} carrying {@code jobs} as one batch: id {@code batch-<first id>}, the first job's priority. */
    public static OutboundMessage.Builder batch(OutboundMessage.Builder to, List<JobEnvelope> jobs, WireCodec wire) {
        WireCodec.Encoded body = wire.encode(JobBatch.write(jobs));
        JobEnvelope first = jobs.get(0);
        return to.body(body.body()).contentEncoding(body.contentEncoding()).messageId("batch-" + first.id())
                .priority(first.priority()).type(JobBatch.TYPE);
    }
}
