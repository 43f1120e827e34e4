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

    /** A result waiting for its stage, with the message to ack once it is in the task file. */
    public record Item(JobEnvelope job, Delivery delivery) {
    }

    final String name;
    final Kind kind;
    final Method method;
    final LinkedBlockingQueue<Item> inbox = new LinkedBlockingQueue<>();
    final AtomicLong forked = new AtomicLong();
    final AtomicLong processed = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    /** Jobs forked to this stage not yet handled by it, plus leftover results of an earlier run not yet handled. */
    final AtomicLong pending = new AtomicLong();
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
