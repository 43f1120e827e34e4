package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import java.util.function.BiConsumer;

/**
 * A worker's listener that can be pointed at another stream: a worker handed from one stream to
 * another through the {@link WorkerLounge} reports to whichever holds it now. Its exit always
 * gives its node-wide slot back, first.
 */
final class RoutedListener implements Worker.Listener {
    private final BiConsumer<Worker, Integer> releaseSlot;
    private volatile Worker.Listener target;
    private Worker exitedWorker;
    private int exitCode;

    RoutedListener(Worker.Listener target, Runnable releaseSlot) {
        this(target, (w, code) -> releaseSlot.run());
    }

    /** @param releaseSlot runs first at the worker's exit, wherever it reports then (it gives the slot back) */
    RoutedListener(Worker.Listener target, BiConsumer<Worker, Integer> releaseSlot) {
        this.target = target;
        this.releaseSlot = releaseSlot;
    }

    /** Reports to {@code next} from now on; one that exits while being handed over still hears of its exit. */
    void routeTo(Worker.Listener next) {
        Worker exited;
        synchronized (this) {
            this.target = next;
            exited = exitedWorker;
        }
        if (exited != null) {
            next.exited(exited, exitCode);
        }
    }

    @Override
    public void outcome(Worker worker, WorkerOutcome outcome) {
        target.outcome(worker, outcome);
    }

    @Override
    public void update(Worker worker, WorkerUpdate update) {
        target.update(worker, update);
    }

    @Override
    public void exited(Worker worker, int code) {
        releaseSlot.accept(worker, code);
        Worker.Listener now;
        synchronized (this) {
            exitedWorker = worker;
            exitCode = code;
            now = target;
        }
        now.exited(worker, code);
    }
}
