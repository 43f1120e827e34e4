package io.impetus.worker;

import io.impetus.core.broker.QueueCounts;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.job.JobUpdate;
import io.impetus.core.rpc.NodeStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.worker.stream.Cancels;
import io.impetus.worker.stream.RunnerContext;
import io.impetus.worker.stream.StreamRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streams a node knows (from events and the coordinator's list) and those it tracks, each with a
 * {@link StreamRunner}: an open stream is tracked, a closed one only while its queue has jobs ready, and an
 * open one whose queue could not be consumed only once it has a job ready again; an idle runner whose stream
 * is closed is dropped. Once draining, no stream is tracked any more. Thread-safe: the node's loop, its
 * events consumer and its stop call it at once.
 */
final class TrackedStreams {
    private static final Logger log = LoggerFactory.getLogger(TrackedStreams.class);

    private final RunnerContext context;
    private final Cancels cancels;
    private final Executor loop;
    private final Map<String, StreamInfo> known = new ConcurrentHashMap<>();
    private final Map<String, StreamRunner> runners = new ConcurrentHashMap<>();
    /** Open streams whose queue could not be consumed: tracked again only once they have a job ready. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    private boolean stopped; // guarded by this

    /** {@code loop} is the node's loop thread: a stream heard of as created is tracked there. */
    TrackedStreams(RunnerContext context, Cancels cancels, Executor loop) {
        this.context = context;
        this.cancels = cancels;
        this.loop = loop;
    }

    /** A stream's state, heard as an event: its runner learns its properties, and whether it closed. */
    void heard(StreamInfo s, boolean created) {
        known.put(s.id(), s);
        StreamRunner r = runners.get(s.id());
        if (r != null) {
            r.update(s.properties());
            if (!s.isOpen()) {
                r.closedByCoordinator();
            }
        } else if (created) {
            loop.execute(() -> track(s));
        }
    }

    /** A cancel new to the node, applied to its stream's runner if tracked. */
    void cancel(JobCancel cancel) {
        Optional.ofNullable(runners.get(cancel.stream())).ifPresent(r -> r.cancel(cancel));
    }

    /** The coordinator's list of open streams: runners of streams no longer listed learn they are closed. */
    void listed(StreamInfo[] list) {
        Map<String, StreamInfo> fresh = new HashMap<>();
        Arrays.stream(list).filter(s -> s != null && s.id() != null && s.properties() != null)
                .forEach(s -> fresh.put(s.id(), s));
        runners.entrySet().stream().filter(e -> !fresh.containsKey(e.getKey())) // no longer listed as open
                .forEach(e -> e.getValue().closedByCoordinator());
        known.keySet().retainAll(fresh.keySet());
        refused.retainAll(fresh.keySet());
        known.putAll(fresh);
        fresh.forEach((id, s) -> Optional.ofNullable(runners.get(id)).ifPresent(r -> r.update(s.properties())));
    }

    /** From the loop: tracks the known streams that should be (open and not refused, or with jobs ready). */
    void trackThoseWithWork() {
        for (StreamInfo s : known.values()) {
            if (!runners.containsKey(s.id()) && !draining && (s.isOpen() && !refused.contains(s.id()) || hasWork(s))) {
                track(s);
            }
        }
    }

    /** From the loop: drops idle runners of closed streams and checks the others; whether any runs a job. */
    boolean check() {
        boolean busy = false;
        for (StreamRunner r : List.copyOf(runners.values())) {
            if (r.isIdle() && !stillOpen(r)) {
                runners.remove(r.stream());
                r.close();
            } else {
                r.check();
                busy |= r.load().busy() > 0;
            }
        }
        return busy;
    }

    /** Whether an idle runner stays: its stream is open and this node takes work (its consumer waits for the next job). */
    private boolean stillOpen(StreamRunner r) {
        StreamInfo s = known.get(r.stream());
        return !draining && r.isOpen() && s != null && s.isOpen();
    }

    private boolean hasWork(StreamInfo info) {
        String stream = info.id();
        try {
            // any of a quorum stream's band queues with jobs ready counts
            for (String queue : context.topology().jobsQueues(stream, info.properties())) {
                if (context.broker().inspect(queue).map(QueueCounts::ready).orElse(0L) > 0) {
                    return true;
                }
            }
            return false;
        } catch (ImpetusException e) {
            log.debug("cannot inspect stream {}: {}", stream, e.getMessage());
            return false;
        }
    }

    private synchronized void track(StreamInfo s) {
        if (runners.containsKey(s.id()) || draining || stopped) {
            return;
        }
        StreamRunner r = new StreamRunner(s.id(), s.properties(), context, cancels);
        runners.put(s.id(), r);
        try {
            r.start();
            refused.remove(s.id());
        } catch (ImpetusException e) {
            runners.remove(s.id());
            r.close();
            if (refused.add(s.id())) {
                log.warn("cannot track stream {}: {}", s.id(), e.getMessage());
            }
        }
    }

    boolean draining() {
        return draining;
    }

    /** Tracks no more streams and drains every runner on the node's blocking threads, each within {@code grace}. */
    void drainAll(Duration grace) {
        draining = true;
        runners.values().forEach(r -> context.blocking().execute(() -> r.drain(grace)));
    }

    /** The node stops: no stream is tracked from now on; the runners there are, for the caller to drain and close. */
    synchronized List<StreamRunner> stop() {
        stopped = true;
        draining = true;
        return List.copyOf(runners.values());
    }

    /**
     * The node's stop: every runner of {@code stopping} (as {@link #stop} gave them) drains within {@code grace}
     * and closes, all at once, each on a daemon thread of its own, held to {@code grace + margin} by
     * {@link BoundedStop} ({@code abort} past it, then {@code margin} more). A drain still running after that goes
     * on to its end (its runner then closes) on its daemon thread, which does not hold the JVM; its stream is named
     * in a WARN. Returns those streams.
     */
    List<String> drainAndClose(List<StreamRunner> stopping, Duration grace, Duration margin, Runnable abort) {
        // every stream drains at once, each on its own thread, so every grace period runs within the limit;
        // each runner closes (its workers stopped) right after its own drain, even one left past the limit
        List<String> left = BoundedStop.runEach("draining " + stopping.size() + " streams", stopping, r -> {
            try {
                r.drain(grace);
            } finally {
                r.close();
            }
        }, grace.plus(margin), abort, margin).stream().map(StreamRunner::stream).toList();
        if (!left.isEmpty()) {
            log.warn("node {} stops with {} streams still draining past the stop's limit: {}; each goes on to its end"
                    + " on a daemon thread (their jobs go back to the queue if the node exits first)",
                    context.nodeId(), left.size(), left);
        }
        return left;
    }

    /** After the stop: the runners are forgotten (a drain still running past the stop's bound goes on to its end). */
    void clear() {
        runners.clear();
    }

    /** The load of each stream that is not idle (an idle stream's runner only waits for a job: not reported). */
    Map<String, NodeStatus.StreamLoad> loads() {
        Map<String, NodeStatus.StreamLoad> loads = new HashMap<>();
        runners.forEach((id, r) -> {
            if (!r.isIdle()) {
                loads.put(id, r.load());
            }
        });
        return loads;
    }

    /** The jobs the streams' workers run, at most {@link NodeStatus#MAX_JOBS_REPORTED}. */
    List<JobUpdate> jobs() {
        return runners.values().stream().flatMap(r -> r.jobs().stream()).limit(NodeStatus.MAX_JOBS_REPORTED).toList();
    }
}
