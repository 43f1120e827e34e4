package io.impetus.core.rpc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import io.impetus.core.schedule.ScheduleSpec;
import java.util.List;
import java.util.Map;

/**
 * A control RPC to the coordinator, sent as JSON on the control queue with a {@code type}
 * field naming the call. The AMQP {@code correlation_id} is the request id; the reply is a
 * {@link ControlReply} with the same id.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlRequest.CreateStream.class, name = "create_stream"),
        @JsonSubTypes.Type(value = ControlRequest.GetStream.class, name = "get_stream"),
        @JsonSubTypes.Type(value = ControlRequest.ListStreams.class, name = "list_streams"),
        @JsonSubTypes.Type(value = ControlRequest.UpdateStream.class, name = "update_stream"),
        @JsonSubTypes.Type(value = ControlRequest.CloseStream.class, name = "close_stream"),
        @JsonSubTypes.Type(value = ControlRequest.RegisterBundle.class, name = "register_bundle"),
        @JsonSubTypes.Type(value = ControlRequest.FetchBundle.class, name = "fetch_bundle"),
        @JsonSubTypes.Type(value = ControlRequest.ListNodes.class, name = "list_nodes"),
        @JsonSubTypes.Type(value = ControlRequest.AcquirePermits.class, name = "acquire_permits"),
        @JsonSubTypes.Type(value = ControlRequest.GetScaler.class, name = "get_scaler"),
        @JsonSubTypes.Type(value = ControlRequest.ForkAfter.class, name = "fork_after"),
        @JsonSubTypes.Type(value = ControlRequest.Schedules.class, name = "schedules"),
        @JsonSubTypes.Type(value = ControlRequest.CancelJobs.class, name = "cancel_jobs"),
        @JsonSubTypes.Type(value = ControlRequest.ListCancels.class, name = "list_cancels"),
})
public sealed interface ControlRequest {

    /**
     * Creates a stream, or reuses an existing one and applies the properties that may change.
     * {@code client} (may be null) becomes the stream's creator, who alone (with the admin) may
     * change or close it.
     */
    record CreateStream(String stream, Map<String, Object> properties, String client) implements ControlRequest {
        public CreateStream {
            properties = properties == null ? Map.of() : properties;
        }

        public CreateStream(String stream, Map<String, Object> properties) {
            this(stream, properties, null);
        }
    }

    /** Reads one stream; closed streams are returned as closed, not as missing. */
    record GetStream(String stream) implements ControlRequest {
    }

    /** Lists streams; closed ones only when asked. */
    record ListStreams(boolean includeClosed) implements ControlRequest {
    }

    /** Changes some properties of a stream and announces it; {@code client} says who asks. */
    record UpdateStream(String stream, Map<String, Object> properties, String client) implements ControlRequest {
        public UpdateStream {
            properties = properties == null ? Map.of() : properties;
        }

        public UpdateStream(String stream, Map<String, Object> properties) {
            this(stream, properties, null);
        }
    }

    /** Closes a stream: no new jobs; its queues go once drained. {@code client} says who asks. */
    record CloseStream(String stream, String client) implements ControlRequest {
        public CloseStream(String stream) {
            this(stream, null);
        }
    }

    /** Stores a code bundle (a zip) under its content hash for a stream's jobs. */
    record RegisterBundle(String stream, String bundleId, byte[] zip) implements ControlRequest {
    }

    /** Fetches a code bundle by its content hash. */
    record FetchBundle(String bundleId) implements ControlRequest {
    }

    /** The nodes that reported recently. */
    record ListNodes() implements ControlRequest {
    }

    /** The scaler's last report, or {@code null} when no scaler reported lately. */
    record GetScaler() implements ControlRequest {
    }

    /**
     * A node asks to start up to {@code wanted} jobs of a stream with a {@code maxRate}; the reply
     * is a {@link Permits}.
     */
    record AcquirePermits(String stream, int wanted) implements ControlRequest {
    }

    /**
     * Cancels one job of a stream ({@code job}), or every job of it forked until now ({@code job}
     * null). Only the stream's creator ({@code client}, sending as the broker user that created it)
     * or the admin may. The reply is the {@link io.impetus.core.job.JobCancel} announced to the nodes.
     * A {@code job} the coordinator cannot find in the stream (not running on a node, not delayed, not
     * waiting for other jobs) is refused as {@code UNKNOWN_JOB}, or one it knows has ended, unless
     * {@code queued} is true: the caller knows the job was forked and has no outcome yet (it may wait in
     * the broker's queue, where the coordinator cannot see it).
     */
    record CancelJobs(String stream, String job, String client, Boolean queued) implements ControlRequest {
        public CancelJobs(String stream, String job, String client) {
            this(stream, job, client, null);
        }

        /** Whether the caller vouches for a job the coordinator cannot see. */
        public boolean vouched() {
            return Boolean.TRUE.equals(queued);
        }
    }

    /** The cancels of the last hours that nodes must still honour; the reply is a {@code JobCancel[]}. */
    record ListCancels() implements ControlRequest {
    }

    /**
     * Forks {@code job} (signed by its client; its {@code args} are filled in later) to run once every job of
     * {@code inputs} (ids of jobs of the same stream that other jobs may wait for) is done, with their results,
     * in that order, as its argument. {@code policy} is {@code fail_dependant} (an input that failed fails the
     * job without running it) or {@code pass_errors} (it runs with the failed inputs' error objects in their
     * places). The coordinator holds it; repeating the request changes nothing. The reply is the job's id.
     */
    record ForkAfter(JobEnvelope job, List<String> inputs, String policy) implements ControlRequest {
    }

    /**
     * A call about recurring jobs: {@code action} is {@code upsert} (with {@code stream}, {@code spec} and
     * {@code job}, the signed template of each run's job), {@code list}, {@code show}, {@code pause},
     * {@code resume}, {@code trigger} (run once now), {@code delete} or {@code results} (the latest {@code max}
     * results, read without taking them). Only the stream's creator ({@code client}) or the admin may change a
     * schedule. The reply is a {@link ScheduleInfo} (a list of them for {@code list}, a
     * list of {@link ScheduleResult} for {@code results}).
     */
    record Schedules(String action, String id, String stream, ScheduleSpec spec,
                     JobEnvelope job, String client, int max) implements ControlRequest {
    }
}
