package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;

/**
 * A worker's listener that can be pointed at another stream: a worker handed from one stream to
 * another through the {@link WorkerLounge} reports to whichever holds it now. Its exit always
 * gives its node-wide slot back, first.
 */
final class RoutedListener implements Worker.Listener {
    private final Runnable releaseSlot;
    private volatile Worker.Listener target;

    RoutedListener(Worker.Listener target, Runnable releaseSlot) {
        this.target = target;
        this.releaseSlot = releaseSlot;
    }

    void routeTo(Worker.Listener target) {
        this.target = target;
    }

    @Override
    public void outcome(Worker worker, WorkerOutcome outcome) {
        target.outcome(worker, outcome);
    }

    @Override
    public void exited(Worker worker, int exitCode) {
        releaseSlot.run();
        target.exited(worker, exitCode);
    }
}
