package io.impetus.core.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a job is in its life. The seed's states, plus {@code delayed} for jobs the coordinator
 * holds until they fall due. {@link #canMoveTo} is the one table of allowed changes.
 */
public enum JobStatus {
    WAITING, DELAYED, PROCESSING, READY, ERROR;

    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
            // a delayed job falls due, or its stream is closed before it does
            DELAYED, EnumSet.of(WAITING, ERROR),
            // a waiting job is taken by a worker, held for a delay, or dead-lettered unread
            WAITING, EnumSet.of(PROCESSING, DELAYED, ERROR),
            // a running job ends, or goes back to the queue for another attempt
            PROCESSING, EnumSet.of(READY, ERROR, WAITING, DELAYED),
            READY, EnumSet.noneOf(JobStatus.class),
            ERROR, EnumSet.noneOf(JobStatus.class));

    /** Whether a job in this state may move to {@code next}. */
    public boolean canMoveTo(JobStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Whether the job is finished: nothing more will happen to it. */
    public boolean isTerminal() {
        return ALLOWED.get(this).isEmpty();
    }

    /** The seed's spelling on the wire: lower case. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static JobStatus fromWire(String value) {
        for (JobStatus status : values()) {
            if (status.wireName().equalsIgnoreCase(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown job status '" + value
                + "' (expected one of waiting, delayed, processing, ready, error)");
    }
}
