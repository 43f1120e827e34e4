package io.impetus.worker.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.impetus.core.job.ErrorResult;
import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerTask;
import io.impetus.worker.protocol.WorkerUpdate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A worker in memory: records its tasks; the test says how each ends. */
final class FakeWorker implements Worker {
    final int index;
    final Listener listener;
    final List<WorkerTask> tasks = new CopyOnWriteArrayList<>();
    volatile boolean alive = true;
    volatile boolean killed;
    volatile boolean retired;
    /** False: a kill leaves the process running until the test calls {@link #die} (an outcome may still come). */
    volatile boolean exitsWhenKilled = true;

    FakeWorker(int index, Listener listener) {
        this.index = index;
        this.listener = listener;
    }

    WorkerTask current() {
        return tasks.get(tasks.size() - 1);
    }

    void succeed(JsonNode result) {
        listener.outcome(this, new WorkerOutcome(current().jobId(), pid(), true, result, null, false));
    }

    void fail(String message) {
        listener.outcome(this, new WorkerOutcome(current().jobId(), pid(), false, null,
                new ErrorResult(message, current().name(), 7, "x"), false));
    }

    void update(Double fraction, String message, String output) {
        listener.update(this, WorkerUpdate.of(current().jobId(), fraction, message, output));
    }

    void report(WorkerOutcome o) {
        listener.outcome(this, o);
    }

    void die(int code) {
        if (alive) {
            alive = false;
            listener.exited(this, code);
        }
    }

    @Override
    public long pid() {
        return 1000 + index;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public void send(WorkerTask task) {
        tasks.add(task);
    }

    @Override
    public void retire() {
        retired = true;
        die(0);
    }

    @Override
    public void kill() {
        killed = true;
        if (exitsWhenKilled) {
            die(137);
        }
    }

    @Override
    public boolean isAlive() {
        return alive;
    }
}
