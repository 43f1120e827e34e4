package io.impetus.worker.stream;

import io.impetus.core.rpc.NodeStatus;
import io.impetus.worker.process.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many workers one stream has, as steps on its {@link Mailbox}: it takes node-wide slots from
 * {@link WorkerSlots} for the jobs its buffer holds (adopting its creator's workers from the lounge
 * first, starting new ones otherwise), and lets idle workers go (to the lounge, or retired) when they
 * idled too long or another stream waits for a slot. Decides only; starts and retirements are I/O
 * queued with {@link Mailbox#io}.
 */
final class Staffing {
    private static final Logger log = LoggerFactory.getLogger(Staffing.class);

    private final StreamState s;
    private final WorkerStarts starts;
    private final LoadReport report;
    private final Runnable dispatch;
    private final Consumer<Worker> started;

    /**
     * {@code dispatch} is the stream's step that hands buffered jobs to idle workers (posted when a slot
     * frees); {@code started} the step that takes a started worker ({@code null} if the start failed).
     */
    Staffing(StreamState s, Worker.Listener listener, LoadReport report, Runnable dispatch, Consumer<Worker> started) {
        this.s = s;
        this.starts = new WorkerStarts(s.stream, s.ctx, listener);
        this.report = report;
        this.dispatch = dispatch;
        this.started = started;
        s.ctx.slots().holding(s, () -> s.post(this::giveIdleToWaiting), () -> {
            NodeStatus.StreamLoad now = report.load();
            if (now.workers() > now.busy()) { // a hint, read off the mailbox: only a stream with idle workers is asked
                s.post(this::spareIdleForWarmPool);
            }
        });
    }

    /**
     * From the dispatch step, once idle workers have their jobs: asks for the workers the buffered jobs
     * still want. Returns true if it adopted workers from the lounge (the caller dispatches again); else
     * it has taken what slots it could, started a worker in each, and published the load.
     */
    boolean findWorkers() {
        WorkerPool pool = s.pool;
        // workers starting are for buffered jobs already: two slots freed at once must not start two for one job
        int wanted = s.draining ? 0 : Math.max(0, Math.min(s.buffer.size() - pool.starting(), pool.free()));
        if (s.properties.maxRate() != null) {
            // idle (or starting) workers with jobs buffered: the rate holds them back, and more would only idle
            // too; so no more than the rate starts in a second wait for a permit (busy ones do not count)
            wanted = Math.min(wanted, Math.max(0, keptForBuffer() - pool.idle() - pool.starting()));
        }
        if (wanted > 0 && adoptFromLounge(wanted)) {
            return true;
        }
        WorkerSlots slots = s.ctx.slots();
        if (wanted == 0) {
            // wants no slot now (its workers took its jobs, or it is at mpps): not waiting any more, so the
            // others keep their idle workers and the warm pool may fill
            slots.stopWaiting(s);
        } else {
            int got = slots.take(s, wanted, () -> s.post(dispatch));
            // workers of other creators waiting between streams hold slots: retired, they give them to this one
            slots.lounge().takeOthers(creator(), wanted - got).forEach(w -> s.mailbox.io(w::retire));
            wanted = got;
        }
        if (wanted > 0) {
            log.info("creating {} workers for {}", wanted, s.stream);
            pool.starting(wanted);
            for (int i = 0; i < wanted; i++) {
                s.mailbox.io(() -> starts.start(w -> s.post(() -> started.accept(w))));
            }
        }
        report.publish(s);
        return false;
    }

    /** Takes up to {@code wanted} started workers of this stream's creator from the lounge; whether it took any. */
    private boolean adoptFromLounge(int wanted) {
        boolean took = false;
        for (int i = 0; i < wanted; i++) {
            Worker w = starts.adopt(creator());
            if (w == null) {
                break;
            }
            s.pool.idle(w, s.now());
            took = true;
        }
        return took;
    }

    /**
     * Whose the stream's workers are: by default who created the stream (the client, and the broker
     * user it sent as), so only streams of the same creator share workers (see {@link WorkerSharing}).
     * {@code null} when the stream does not say.
     */
    private String creator() {
        return s.ctx.slots().sharing().key(s.properties.metadata());
    }

    /** A worker done with its job: idle for the next one, handed to a stream that waits for a slot, or retired. */
    void makeIdle(Worker w) {
        if (w.isAlive() && s.keepsWorkers() && s.buffer.isEmpty() && s.ctx.slots().othersWaiting(s)) {
            s.pool.remove(w);
            handOverOrRetire(w); // another stream waits for a worker: this one has nothing to do
        } else if (w.isAlive() && s.keepsWorkers()) {
            s.pool.idle(w, s.now());
        } else {
            s.pool.remove(w);
            s.mailbox.io(w::retire);
        }
    }

    /**
     * A worker done with a job rests for the stream's {@code frequency}; while another stream waits for a node-wide
     * slot, it goes to that one at once and its rest is kept without it (no worker of this stream replaces it
     * before the rest ends), so a long {@code frequency} does not hold a slot others wait for.
     */
    void rest(Worker w) {
        s.pool.rest(w);
        if (s.ctx.slots().othersWaiting(s)) {
            giveUpResting();
        }
    }

    /** Resting workers go to the streams that wait for a slot (to the lounge, or retired to free the slot). */
    private void giveUpResting() {
        List<Worker> given = s.pool.giveUpResting();
        if (!given.isEmpty()) {
            log.info("stream {}: {} resting worker(s) given up for a stream that waits for a slot; their rests are"
                    + " kept", s.stream, given.size());
            given.forEach(this::handOverOrRetire);
        }
    }

    /** An idle worker goes to the lounge for another stream of this creator, or is retired. */
    private void handOverOrRetire(Worker w) {
        if (!starts.handOver(w, creator(), s.idleLimit(), s.now())) {
            s.mailbox.io(w::retire);
        }
    }

    /**
     * At housekeeping: workers idle past the stream's {@code timeout} are retired, or, while another stream
     * waits for a node-wide slot, every idle one is handed over; those its buffered jobs wait for are kept.
     */
    void letIdleGo(Instant now) {
        // workers that buffered jobs wait for (the stream's maxRate holds them back) are kept either way
        if (s.ctx.slots().othersWaiting(s)) { // a stream waiting for a node-wide slot gets the others
            s.pool.takeIdleLongerThan(Duration.ZERO, now, keptForBuffer()).forEach(this::handOverOrRetire);
            giveUpResting();
        } else {
            s.pool.takeIdleLongerThan(s.idleLimit(), now, keptForBuffer()).forEach(w -> s.mailbox.io(w::retire));
        }
    }

    /**
     * Another stream began to wait for a node-wide slot: this one's idle workers go to it now, as at housekeeping,
     * but for those its buffered jobs will need (held back by its {@code maxRate}: idle only until the next permit).
     */
    private void giveIdleToWaiting() {
        if (!s.draining && s.ctx.slots().othersWaiting(s)) {
            s.pool.takeIdleLongerThan(Duration.ZERO, s.now(), keptForBuffer()).forEach(this::handOverOrRetire);
            giveUpResting();
            report.publish(s);
        }
    }

    /**
     * The warm pool finds no slot for a blank worker: workers idle for {@link WarmWorkers#SPARED_AFTER} go to
     * the lounge, where this stream's next job still finds them (its creator's), unless the pool retires one.
     */
    private void spareIdleForWarmPool() {
        if (!s.draining && s.buffer.isEmpty()) {
            List<Worker> spare = s.pool.takeIdleLongerThan(WarmWorkers.SPARED_AFTER, s.now());
            spare.forEach(this::handOverOrRetire);
            if (!spare.isEmpty()) {
                report.publish(s);
            }
        }
    }

    /**
     * Idle workers kept for the buffered jobs (held back by the stream's {@code maxRate}): as many as the rate can
     * start in a second, at least one and at most the jobs buffered, so a slow stream with a long buffer does not
     * keep a worker per job from streams that wait for a slot.
     */
    private int keptForBuffer() {
        Double rate = s.properties.maxRate();
        if (rate == null || s.buffer.isEmpty()) {
            return 0;
        }
        return (int) Math.min(s.buffer.size(), Math.max(1, Math.ceil(rate)));
    }
}
