package io.impetus.worker.stream;

import io.impetus.core.job.JobUpdate;
import io.impetus.worker.process.Worker;
import io.impetus.worker.protocol.WorkerOutcome;
import io.impetus.worker.protocol.WorkerUpdate;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one stream's workers report, each a step on its {@link Mailbox} (the caller posts it): a
 * running job's progress, its outcome, and a worker's exit. An outcome settles the job
 * ({@link JobEndings#completed}); an exit settles the job its worker still ran as cancelled or lost; a
 * report of a job the worker does not run is dropped, or, for an outcome, stops the worker. A worker
 * freed rests for the stream's {@code frequency} or is made idle at once ({@link Staffing#makeIdle});
 * then the stream dispatches.
 */
final class WorkerEvents {
    private static final Logger log = LoggerFactory.getLogger(WorkerEvents.class);

    private final StreamState s;
    private final JobSettlement settlement;
    private final JobEndings endings;
    private final Staffing staffing;
    private final LoadReport report;
    private final Runnable dispatch;

    WorkerEvents(StreamState s, JobSettlement settlement, JobEndings endings, Staffing staffing, LoadReport report,
                 Runnable dispatch) {
        this.s = s;
        this.settlement = settlement;
        this.endings = endings;
        this.staffing = staffing;
        this.report = report;
        this.dispatch = dispatch;
    }

    /** A running job's update: kept for the heartbeat and sent on to its client as {@link WorkerUpdates} says. */
    void update(Worker w, WorkerUpdate u) {
        WorkerPool.Running r = s.pool.running(w);
        if (r == null || r.cancelled != null || !r.pending.job().id().equals(u.jobId())) {
            log.debug("worker {} sent an update of job {} it is not running; dropped", w.pid(), u.jobId());
            return;
        }
        JobUpdate update;
        try {
            update = WorkerUpdates.take(r, u, s.now(), s.stream, s.ctx.nodeId(), w.pid());
        } catch (IllegalArgumentException e) {
            log.warn("worker {}: job {} sent a bad progress: {}; dropped", w.pid(), u.jobId(), e.getMessage());
            return;
        }
        if (update != null) {
            s.mailbox.io(() -> settlement.update(update));
        }
        report.publish(s);
    }

    /** The job's outcome: settled, and its worker freed. */
    void outcome(Worker w, WorkerOutcome o) {
        WorkerPool.Running r = s.pool.running(w);
        if (r != null && r.cancelled != null) {
            log.info("worker {} finished job {} after it was cancelled; the cancel stands", w.pid(), o.jobId());
            return; // the worker was killed; its exit settles the job as cancelled
        }
        if (r == null || !r.pending.job().id().equals(o.jobId())) {
            log.warn("worker {} reported job {} it was not running; stopping the worker", w.pid(), o.jobId());
            if (r != null) {
                r.killReason = "worker process " + w.pid() + " reported job " + o.jobId() + " instead";
            }
            s.mailbox.io(w::kill); // its exit settles whatever it was running
            return;
        }
        s.pool.finish(w);
        s.lastActivity = s.now();
        s.ctx.metrics().ran(s.stream, Duration.between(r.started, s.lastActivity));
        endings.completed(r.pending, w.pid(), o);
        double pause = s.properties.frequency();
        if (pause > 0 && !s.draining) {
            staffing.rest(w);
            s.ctx.timer().schedule(() -> s.post(() -> wake(w)), (long) (pause * 1000));
        } else {
            staffing.makeIdle(w);
        }
        dispatch.run();
        s.checkDrained();
    }

    /** A rest ended: its worker, if still resting here, is idle again; either way the stream may use the slot. */
    private void wake(Worker w) {
        if (s.pool.wake(w)) {
            staffing.makeIdle(w);
        }
        dispatch.run();
    }

    /** The worker exited: the job it still ran is settled as cancelled or lost. */
    void exit(Worker w, int code) {
        WorkerPool.Running r = s.pool.remove(w);
        if (r != null && r.cancelled != null) {
            endings.cancelled(r.pending, w.pid(), r.cancelled);
        } else if (r != null) {
            String reason = r.killReason != null ? r.killReason
                    : "worker process " + w.pid() + " died (exit code " + code + ")";
            endings.lost(r.pending, w.pid(), reason);
        } else {
            log.info("worker {} {} exited ({})", w.index(), w.pid(), code);
        }
        dispatch.run();
        s.checkDrained();
    }
}
