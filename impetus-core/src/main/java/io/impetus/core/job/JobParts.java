package io.impetus.core.job;

import io.impetus.core.broker.Delivery;
import io.impetus.core.broker.InboundMessage;
import io.impetus.core.broker.SharedDelivery;
import io.impetus.core.codec.WireCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A message of a jobs or results queue read into the jobs it carries: one envelope, or a
 * {@link JobBatch} of several, each job then with its own part of the delivery
 * ({@link SharedDelivery}), so that it is settled as if it had come alone. Nodes read their jobs
 * and clients their results here. Reading checks only the shape; the reader checks each job.
 */
public final class JobParts {
    /** One job of a message and the delivery that settles it (the whole delivery when it came alone). */
    public record Part(JobEnvelope job, Delivery delivery) {
    }

    private JobParts() {
    }

    /** Whether the message carries a batch of jobs. */
    public static boolean isBatch(InboundMessage m) {
        return JobBatch.TYPE.equals(m.type());
    }

    /** The jobs a message carries, decoded within the codec's limits; an unreadable message throws with the reason. */
    public static List<JobEnvelope> jobs(InboundMessage m, WireCodec wire) {
        if (isBatch(m)) {
            return JobBatch.read(wire.decode(m));
        }
        return List.of(wire.read(m, JobEnvelope.class));
    }

    /**
     * The jobs of a delivery, each with its part of it; an unreadable message throws with the reason
     * and is left unsettled (the caller dead-letters it whole).
     */
    public static List<Part> read(Delivery d, WireCodec wire) {
        List<JobEnvelope> jobs = jobs(d.message(), wire);
        if (!isBatch(d.message())) {
            return List.of(new Part(jobs.get(0), d));
        }
        List<Delivery> parts = SharedDelivery.split(d, jobs.size());
        List<Part> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            out.add(new Part(jobs.get(i), parts.get(i)));
        }
        return out;
    }

    /**
     * What to dead-letter for one job of {@code d}: from a batch, a delivery carrying that job's own
     * JSON (settling it settles the part); a message that came alone, itself.
     */
    public static Delivery alone(Delivery d, JobEnvelope job) {
        if (!isBatch(d.message())) {
            return d;
        }
        return Delivery.carrying(d, JobBatch.itemMessage(d.message(), job));
    }
}
