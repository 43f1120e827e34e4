package io.impetus.worker.stream;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The start of a worker process that already holds one of the node's {@link WorkerSlots}, as a task
 * for the node's spawner threads. Exactly one of its two ends runs: the start, or — when the executor
 * refuses the task or is shut down before running it (the node stops) — {@code abandoned}, which gives
 * the slot back. Without it, a start the executor never ran would keep its slot taken.
 */
public final class SlotStart implements Runnable {
    private final Runnable start;
    private final Runnable abandoned;
    private final AtomicBoolean done = new AtomicBoolean();

    private SlotStart(Runnable start, Runnable abandoned) {
        this.start = start;
        this.abandoned = abandoned;
    }

    /** Runs {@code start} on {@code executor}; {@code abandoned} runs instead if the executor refuses it. */
    static void execute(Executor executor, Runnable start, Runnable abandoned) {
        SlotStart task = new SlotStart(start, abandoned);
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.abandon();
        }
    }

    /**
     * Gives back the slots of the starts among {@code neverRan} (what {@code ExecutorService.shutdownNow}
     * returns); other tasks are left alone.
     */
    public static void abandonAll(List<Runnable> neverRan) {
        for (Runnable r : neverRan) {
            if (r instanceof SlotStart s) {
                s.abandon();
            }
        }
    }

    @Override
    public void run() {
        if (done.compareAndSet(false, true)) {
            start.run();
        }
    }

    void abandon() {
        if (done.compareAndSet(false, true)) {
            abandoned.run();
        }
    }
}
