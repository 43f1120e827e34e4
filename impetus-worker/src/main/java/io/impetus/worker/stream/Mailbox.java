package io.impetus.worker.stream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's mailbox: events are queued and run one at a time, never two at once, so the
 * runner's state needs no lock. The thread that posts an event runs the queue if no other thread
 * is running it (no hand-off, no thread per stream); otherwise it leaves its event for that one
 * and goes on. Steps only decide; their I/O (publish, pipe write, ack, reject) is queued with
 * {@link #io} and run after the step, outside the mailbox, so a slow publish never stalls the
 * stream's other events (timeouts included). A step that throws, even an {@code Error}, is
 * logged and the mailbox goes on.
 */
final class Mailbox {
    private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

    private final String name;
    private final Queue<Runnable> steps = new ConcurrentLinkedQueue<>();
    private final Queue<Runnable> effects = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    Mailbox(String name) {
        this.name = name;
    }

    /** Queues a step and runs the queue unless another thread is running it. */
    void post(Runnable step) {
        steps.add(step);
        do {
            if (!running.compareAndSet(false, true)) {
                break; // the thread running the queue will take this step too
            }
            try {
                for (Runnable s = steps.poll(); s != null; s = steps.poll()) {
                    run(s, "event");
                }
            } finally {
                running.set(false);
            }
        } while (!steps.isEmpty());
        for (Runnable e = effects.poll(); e != null; e = effects.poll()) {
            run(e, "I/O");
        }
    }

    /** From inside a step: I/O to run once the step is done, outside the mailbox. */
    void io(Runnable effect) {
        effects.add(effect);
    }

    private void run(Runnable r, String what) {
        try {
            r.run();
        } catch (Throwable t) {
            log.error("stream {}: an {} step failed; the stream goes on", name, what, t);
        }
    }
}
