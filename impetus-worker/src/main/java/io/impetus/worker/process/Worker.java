package io.impetus.worker.process;

import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import io.impetus.worker.protocol.WorkerUpdate;
import java.io.IOException;
import java.util.function.BiConsumer;

/** A worker that runs one job at a time: a child JVM in production, a fake in unit tests. */
public interface Worker {
    long pid();

    int index();

    /** Sends a task; its outcome comes back through {@link Listener#outcome}. May block on a full pipe. */
    void send(WorkerTask task) throws IOException;

    /** Asks it to exit once its current job (if any) is done. */
    void retire();

    /** Kills it now (job timeout, shutdown); {@link Listener#exited} follows. */
    void kill();

    boolean isAlive();

    /** What a worker reports, on a thread of its own. */
    interface Listener {
        void outcome(Worker worker, WorkerOutcome outcome);

        void exited(Worker worker, int exitCode);

        /**
         * An update (progress, output) of the job the worker runs; before its outcome. Not a default
         * method: a listener that passes calls on (a worker handed between streams) must pass this on too.
         */
        void update(Worker worker, WorkerUpdate update);

        /** A listener that also takes the running job's updates. */
        static Listener of(BiConsumer<Worker, WorkerOutcome> outcome,
                           BiConsumer<Worker, Integer> exited,
                           BiConsumer<Worker, WorkerUpdate> update) {
            Listener base = of(outcome, exited);
            return new Listener() {
                @Override
                public void outcome(Worker worker, WorkerOutcome o) {
                    base.outcome(worker, o);
                }

                @Override
                public void exited(Worker worker, int exitCode) {
                    base.exited(worker, exitCode);
                }

                @Override
                public void update(Worker worker, WorkerUpdate u) {
                    update.accept(worker, u);
                }
            };
        }

        static Listener of(BiConsumer<Worker, WorkerOutcome> outcome,
                           BiConsumer<Worker, Integer> exited) {
            return new Listener() {
                @Override
                public void outcome(Worker worker, WorkerOutcome o) {
                    outcome.accept(worker, o);
                }

                @Override
                public void exited(Worker worker, int exitCode) {
                    exited.accept(worker, exitCode);
                }

                @Override
                public void update(Worker worker, WorkerUpdate update) {
                    // this listener takes no updates
                }
            };
        }
    }

    /** Starts workers. Blocking (a JVM takes a few hundred ms to start): call it off the stream's mailbox. */
    @FunctionalInterface
    interface Spawner {
        Worker spawn(int index, String stream, Listener listener) throws IOException;

        /**
         * Starts a blank worker for the node's warm pool, started ahead of need: as {@link #spawn} unless
         * the spawner can do better off the critical path (a worker process runs a training job of
         * Impetus's own before its hello, so that the first job of whichever stream takes it finds the
         * job path loaded and compiled). No creator's code runs in it either way.
         */
        default Worker spawnBlank(int index, String stream, Listener listener) throws IOException {
            return spawn(index, stream, listener);
        }
    }
}
