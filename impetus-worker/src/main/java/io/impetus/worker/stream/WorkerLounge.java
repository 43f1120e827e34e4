package io.impetus.worker.stream;

import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Started workers between streams, node-wide. A stream whose worker has nothing to do while
 * another stream waits for a worker slot hands it here; a stream of the <em>same creator</em>
 * takes it instead of starting a JVM (a few hundred ms of CPU each). Workers never pass between
 * streams of different creators: a stream of another creator that needs the slot has a lounge
 * worker retired instead. A worker left here past its stream's idle timeout is retired. A worker
 * keeps its node-wide slot while it sits here. <em>Blank</em> workers sit here too: started by the
 * node's {@link WarmWorkers} and never given a job, they carry no creator's state, so any stream
 * may take one (after a worker of its own creator); they wait until taken or the node stops.
 * Thread-safe.
 */
public final class WorkerLounge {
    private static final Logger log = LoggerFactory.getLogger(WorkerLounge.class);

    /** A worker waiting here: whose it is ({@code null}: blank, anyone's), how it reports, and until when it may wait. */
    record Seat(Worker worker, String creator, RoutedListener routing, Instant until) {
        boolean blank() {
            return creator == null;
        }
    }

    private final Map<Worker, Seat> seats = new LinkedHashMap<>();
    private volatile BiConsumer<Worker, String> blankTaken = (w, creator) -> { };

    /**
     * Told (on the taker's thread, outside the lounge's lock) each time a stream takes a blank worker: the
     * worker and the stream's creator ({@code null} when it does not say).
     */
    void whenBlankTaken(BiConsumer<Worker, String> r) {
        blankTaken = r;
    }

    /** Takes a blank worker (it never ran a job) for any stream; it waits until taken or the node stops. */
    void offerBlank(Worker worker, RoutedListener routing) {
        synchronized (this) { // as offer: seated before it is routed here, so an exit already seen takes it out
            seats.put(worker, new Seat(worker, null, routing, Instant.MAX));
            routing.routeTo(loungeListener());
        }
    }

    /**
     * Takes {@code worker} of a stream created by {@code creator}, to wait at most {@code idleLimit};
     * false (the caller retires it) when the stream has no creator to tell whose it is.
     */
    boolean offer(String creator, Worker worker, RoutedListener routing, Duration idleLimit, Instant now) {
        if (creator == null) {
            return false;
        }
        // seated and routed here under the lock, so a stream cannot take it before it is routed here (its
        // own routing would be overwritten); seated first, so an exit replayed by routeTo takes it out again
        synchronized (this) {
            seats.put(worker, new Seat(worker, creator, routing, now.plus(idleLimit)));
            routing.routeTo(loungeListener());
        }
        log.info("worker {} {} waits for another stream of creator {}", worker.index(), worker.pid(), creator);
        return true;
    }

    private Worker.Listener loungeListener() {
        return new Worker.Listener() { // an idle worker reports nothing; its exit takes it out
            @Override
            public void outcome(Worker w, WorkerOutcome o) {
                log.warn("worker {} reported job {} while between streams; stopping it", w.pid(), o.jobId());
                remove(w);
                w.kill();
            }

            @Override
            public void update(Worker w, WorkerUpdate u) {
                // an idle worker runs no job: nothing to pass on
            }

            @Override
            public void exited(Worker w, int code) {
                if (remove(w)) {
                    log.info("worker {} exited ({}) while between streams", w.pid(), code);
                }
            }
        };
    }

    /**
     * A waiting worker for a stream of {@code creator}, taken out, or {@code null}: one of that
     * creator's streams (the longest waiting first), else a blank one. A stream that does not say
     * its creator ({@code null}) may take only a blank one.
     */
    Seat take(String creator) {
        Seat taken = takeOwnOrBlank(creator);
        if (taken != null && taken.blank()) {
            blankTaken.accept(taken.worker(), creator);
        }
        return taken;
    }

    private synchronized Seat takeOwnOrBlank(String creator) {
        Seat blank = null;
        for (Seat s : seats.values()) {
            if (creator != null && creator.equals(s.creator())) {
                seats.remove(s.worker());
                return s;
            }
            if (blank == null && s.blank()) {
                blank = s;
            }
        }
        if (blank != null) {
            seats.remove(blank.worker());
        }
        return blank;
    }

    /**
     * Takes out up to {@code n} workers of creators other than {@code creator}, for the caller to
     * retire (blank ones stay: the caller takes those with {@link #take} first).
     */
    synchronized List<Worker> takeOthers(String creator, int n) {
        List<Worker> out = new ArrayList<>();
        for (Iterator<Seat> it = seats.values().iterator(); it.hasNext() && out.size() < n; ) {
            Seat s = it.next();
            if (!s.blank() && !Objects.equals(s.creator(), creator)) {
                it.remove();
                out.add(s.worker());
            }
        }
        return out;
    }

    /**
     * Takes out up to {@code n} workers of any creator (not blank ones), the longest waiting first, for
     * the caller to retire: their slots go to blank workers (see {@link WarmWorkers}).
     */
    synchronized List<Seat> takeLongestWaiting(int n) {
        List<Seat> out = new ArrayList<>();
        for (Iterator<Seat> it = seats.values().iterator(); it.hasNext() && out.size() < n; ) {
            Seat s = it.next();
            if (!s.blank()) {
                it.remove();
                out.add(s);
            }
        }
        return out;
    }

    /** Takes out the workers that waited past their idle limit, for the caller to retire. */
    public synchronized List<Worker> takeExpired(Instant now) {
        List<Worker> out = new ArrayList<>();
        seats.values().removeIf(s -> {
            if (!now.isBefore(s.until())) {
                out.add(s.worker());
                return true;
            }
            return false;
        });
        return out;
    }

    /** Takes out every waiting worker (the node stops). */
    public synchronized List<Worker> takeAll() {
        List<Worker> out = new ArrayList<>(seats.keySet());
        seats.clear();
        return out;
    }

    public synchronized int size() {
        return seats.size();
    }

    /** Blank workers waiting. */
    public synchronized int blank() {
        return (int) seats.values().stream().filter(Seat::blank).count();
    }

    private synchronized boolean remove(Worker w) {
        return seats.remove(w) != null;
    }
}
