package io.impetus.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.security.Signatures;
import java.time.Instant;
import java.util.Objects;

/**
 * One job, as it travels between client, coordinator, node and worker. The fields are the
 * seed's, so a task-file line written by Impetus reads like the original's.
 *
 * @param id unique job id; the idempotency key of at-least-once delivery
 * @param stream the stream the job belongs to
 * @param client the id of the client that forked it; results are routed back to it
 * @param name the job function's name
 * @param args the function's argument, as JSON
 * @param code the SHA-256 id of the code bundle that holds the function
 * @param callback the stage that receives the result
 * @param priority 0 (lowest) up to the stream's {@code maxPriority}
 * @param delay seconds to hold the job before it may start
 * @param created when the client forked it (UTC)
 * @param status where the job is in its life
 * @param result the function's return value, or an {@link ErrorResult}, as JSON
 * @param node the node that ran it
 * @param worker the pid of the worker process that ran it
 * @param attempts how many times a worker has started it
 * @param transport how the result travels (the seed's field): {@code null}, to the client only; {@link #AWAITED},
 *     to the client and, as a "done" notice, to the coordinator, because other jobs may wait for it (not signed:
 *     it can only cause an extra notice, which carries the node's signed result)
 * @param function the entry point in the bundle, {@code fully.qualified.Class#method}; the seed
 *     marshalled the function itself into {@code code}, a JVM needs the class and method by name
 * @param signature who vouches for it, when the installation has a signing key: the client's
 *     signature of the job, or once it finished, the node's signature of the result (see
 *     {@code Signatures}); {@code null} when unsigned
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "stream", "client", "name", "args", "code", "callback", "priority",
        "delay", "created", "status", "result", "node", "worker", "attempts", "transport", "function", "signature"})
public record JobEnvelope(
        String id,
        String stream,
        String client,
        String name,
        JsonNode args,
        String code,
        String callback,
        int priority,
        double delay,
        Instant created,
        JobStatus status,
        JsonNode result,
        String node,
        Long worker,
        int attempts,
        String transport,
        String function,
        String signature) {

    /** {@link #transport()} of a job other jobs may wait for: its node also sends its result to the coordinator. */
    public static final String AWAITED = "awaited";

    /** Whether other jobs may wait for this one (its result goes to the coordinator too). */
    public boolean awaited() {
        return AWAITED.equals(transport);
    }

    /** A copy with {@code args} (a dependant's inputs' results, filled in by the coordinator). */
    public JobEnvelope withArgs(JsonNode value) {
        return new JobEnvelope(id, stream, client, name, value, code, callback, priority, delay,
                created, status, result, node, worker, attempts, transport, function, signature);
    }

    public JobEnvelope {
        requireText(id, "id");
        requireText(stream, "stream");
        requireText(name, "name");
        Objects.requireNonNull(status, "status");
        if (priority < 0) {
            throw new IllegalArgumentException("job " + id + ": priority must be >= 0, was " + priority);
        }
        if (delay < 0 || Double.isNaN(delay)) {
            throw new IllegalArgumentException("job " + id + ": delay must be >= 0 seconds, was " + delay);
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("job " + id + ": attempts must be >= 0, was " + attempts);
        }
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a job envelope needs a non-empty '" + field + "'");
        }
    }

    /** A copy in state {@code next}; refuses a change the state table does not allow. */
    public JobEnvelope moveTo(JobStatus next) {
        if (!status.canMoveTo(next)) {
            throw new IllegalStateException("job " + id + " cannot move from " + status.wireName()
                    + " to " + next.wireName());
        }
        return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                created, next, result, node, worker, attempts, transport, function, signature);
    }

    /** A copy marked as started by {@code worker} on {@code node}, one attempt more. */
    public JobEnvelope startedBy(String node, long worker) {
        JobEnvelope moved = moveTo(JobStatus.PROCESSING);
        return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                created, moved.status, result, node, worker, attempts + 1, transport, function, signature);
    }

    /** A copy finished with {@code status} ({@code ready} or {@code error}) and {@code result}. */
    public JobEnvelope finished(JobStatus outcome, JsonNode value) {
        if (!outcome.isTerminal()) {
            throw new IllegalArgumentException("a job finishes as ready or error, not " + outcome.wireName());
        }
        JobEnvelope moved = moveTo(outcome);
        return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                created, moved.status, value, node, worker, attempts, transport, function, signature);
    }

    /** A copy to send back to the queue for another attempt, as {@code waiting}. */
    public JobEnvelope requeued() {
        JobEnvelope moved = moveTo(JobStatus.WAITING);
        return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                created, moved.status, null, node, worker, attempts, transport, function, signature);
    }

    /** A copy with another priority (already capped by the caller). */
    public JobEnvelope withPriority(int newPriority) {
        return new JobEnvelope(id, stream, client, name, args, code, callback, newPriority, delay,
                created, status, result, node, worker, attempts, transport, function, signature);
    }

    /** A copy carrying {@code value} as its signature. */
    public JobEnvelope withSignature(String value) {
        return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                created, status, result, node, worker, attempts, transport, function, value);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a new job in state {@code waiting}; {@link #build()} validates. */
    public static final class Builder {
        private String id;
        private String stream;
        private String client;
        private String name;
        private JsonNode args;
        private String code;
        private String callback;
        private int priority;
        private double delay;
        private Instant created;
        private JobStatus status = JobStatus.WAITING;
        private String function;
        private String transport;

        public Builder id(String value) { this.id = value; return this; }
        public Builder stream(String value) { this.stream = value; return this; }
        public Builder client(String value) { this.client = value; return this; }
        public Builder name(String value) { this.name = value; return this; }
        public Builder args(JsonNode value) { this.args = value; return this; }
        public Builder code(String value) { this.code = value; return this; }
        public Builder callback(String value) { this.callback = value; return this; }
        public Builder priority(int value) { this.priority = value; return this; }
        public Builder delay(double value) { this.delay = value; return this; }
        public Builder created(Instant value) { this.created = value; return this; }
        public Builder status(JobStatus value) { this.status = value; return this; }
        public Builder function(String value) { this.function = value; return this; }
        public Builder transport(String value) { this.transport = value; return this; }

        public JobEnvelope build() {
            return new JobEnvelope(id, stream, client, name, args, code, callback, priority, delay,
                    created, status, null, null, null, 0, transport, function, null);
        }
    }
}
