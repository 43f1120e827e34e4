package io.impetus.worker.stream;

import io.impetus.core.broker.Delivery;
import io.impetus.core.job.JobEnvelope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/** Jobs taken from the queue that wait for a worker, highest priority first, then oldest first. */
final class JobBuffer {
    /** A job and the delivery to settle once it is done. */
    record Pending(JobEnvelope job, Delivery delivery, long seq) {
        /** The job handed to worker {@code pid} of {@code node}: {@code processing}, one attempt more. */
        Pending startedBy(String node, long pid) {
            return new Pending(job.startedBy(node, pid), delivery, seq);
        }
    }

    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            Comparator.comparingInt((Pending p) -> -p.job().priority()).thenComparingLong(Pending::seq));
    private long seq;

    void add(JobEnvelope job, Delivery delivery) {
        queue.add(new Pending(job, delivery, seq++));
    }

    Pending poll() {
        return queue.poll();
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Takes out and returns the jobs {@code which} picks. */
    List<Pending> takeIf(Predicate<JobEnvelope> which) {
        List<Pending> taken = new ArrayList<>();
        queue.removeIf(p -> which.test(p.job()) && taken.add(p));
        return taken;
    }

    /** Empties the buffer and returns what was in it. */
    List<Pending> takeAll() {
        List<Pending> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }
}
