package io.impetus.client.internal;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobEnvelope;
import java.lang.reflect.Method;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/** One stage of a client: its method, its inbox of results and its counts. */
public final class Stage {
    /** What a stage is for. */
    public enum Kind { STARTUP, PROCESS, SHUTDOWN }

    /**
     * A result waiting for its stage, with the message to ack once it is in the task file.
     * {@code forkedNow} is false for a result of an earlier run with the same client id.
     */
    public record Item(JobEnvelope job, Delivery delivery, boolean forkedNow) {
    }

    final String name;
    final Kind kind;
    final Method method;
    final LinkedBlockingQueue<Item> inbox = new LinkedBlockingQueue<>();
    final AtomicLong forked = new AtomicLong();
    final AtomicLong processed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong outstanding = new AtomicLong();
    volatile boolean completed;

    public Stage(String name, Kind kind, Method method) {
        this.name = name;
        this.kind = kind;
        this.method = method;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }
}
