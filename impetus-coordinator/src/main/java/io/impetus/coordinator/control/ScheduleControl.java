package io.impetus.coordinator.control;

import io.impetus.coordinator.schedule.CronSchedule;
import io.impetus.coordinator.schedule.ScheduleFiring;
import io.impetus.coordinator.schedule.ScheduleResults;
import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.ScheduleRecord;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobChecks;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcError;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the {@code schedules} control call (recurring jobs) on the active coordinator: upsert by id, list, show,
 * pause, resume, trigger, delete, results. A change is allowed to the creator of the schedule's stream (and of the
 * stream it had before, when an upsert moves it) or the admin ({@link CreatorRule}); every bad input — an id, a
 * cron expression (six fields where five are meant), a zone, an unsigned template, an unknown or closed stream — is
 * refused with what is wrong, before anything changes. Thread-safe (the store serialises the writes).
 */
public final class ScheduleControl {
    private static final Logger log = LoggerFactory.getLogger(ScheduleControl.class);
    private static final Set<String> READS = Set.of("list", "show", "results");
    /** The most results one {@code results} call reads. */
    public static final int MAX_RESULTS_READ = 1000;

    private final CoordinatorStore store;
    private final ScheduleFiring firing;
    private final ScheduleResults results;
    private final SigningKey key;
    private final Clock clock;

    /** @param store the store fenced by the lease */
    public ScheduleControl(CoordinatorStore store, ScheduleFiring firing, ScheduleResults results, SigningKey key,
                           Clock clock) {
        this.store = store;
        this.firing = firing;
        this.results = results;
        this.key = key;
        this.clock = clock;
    }

    /** Whether a call only reads (needs no signature). */
    public static boolean isRead(ControlRequest.Schedules r) {
        return r.action() != null && READS.contains(r.action());
    }

    public Object answer(ControlRequest.Schedules r, Caller caller) {
        String action = r.action() == null ? "" : r.action();
        if (action.equals("list")) {
            return store.schedules().stream().map(this::info).toList();
        }
        String id = checkedId(r.id());
        if (action.equals("upsert")) {
            return upsert(id, r, caller);
        }
        ScheduleRecord s = store.schedule(id).orElseThrow(() -> refused("no schedule '" + id + "'"));
        switch (action) {
            case "show":
                return info(s);
            case "results":
                require(s.stream(), r.client(), caller, "read the results of schedules of");
                int max = r.max() <= 0 ? 20 : Math.min(r.max(), MAX_RESULTS_READ);
                return results.peek(s.stream(), id, max);
            case "pause":
            case "resume": {
                require(s.stream(), r.client(), caller, action + " schedules of");
                boolean pause = action.equals("pause");
                // a resumed schedule runs from now on: what fell due while it was paused is not made up
                Instant next = pause ? s.next() : cron(s.spec()).next(clock.instant());
                store.pauseSchedule(id, pause, next);
                firing.changed();
                log.info("schedule {} {}", id, pause ? "paused" : "resumed, next " + next);
                return info(store.schedule(id).orElseThrow());
            }
            case "trigger": {
                require(s.stream(), r.client(), caller, "trigger schedules of");
                firing.trigger(s);
                return info(store.schedule(id).orElseThrow());
            }
            case "delete": {
                require(s.stream(), r.client(), caller, "delete schedules of");
                store.deleteSchedule(id);
                results.delete(s.stream(), id);
                log.info("schedule {} deleted", id);
                return info(s);
            }
            default:
                throw refused("schedules: unknown action '" + action + "'; one of upsert, list, show, pause, resume,"
                        + " trigger, delete, results");
        }
    }

    private ScheduleInfo upsert(String id, ControlRequest.Schedules r, Caller caller) {
        if (r.spec() == null || r.job() == null) {
            throw refused("schedules upsert " + id + " needs the schedule (cron, zone, policies) and its job");
        }
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(r.spec().cron(), r.spec().seconds(), r.spec().zone());
        } catch (IllegalArgumentException e) {
            throw refused("schedule " + id + ": " + e.getMessage() + "; nothing was changed");
        }
        JobEnvelope job;
        try {
            job = JobChecks.delayed(r.job());
        } catch (RuntimeException e) {
            throw refused("schedule " + id + ": not a valid job: " + e.getMessage());
        }
        if (!job.stream().equals(r.stream())) {
            throw refused("schedule " + id + ": its job is of stream '" + job.stream() + "', not '" + r.stream() + "'");
        }
        if (key != null && !Signatures.jobIsSigned(key, job)) {
            throw new RpcException(RpcError.of(RpcError.Code.FORBIDDEN, "schedule " + id
                    + ": its job is not signed with this installation's key"));
        }
        StreamInfo stream = require(r.stream(), r.client(), caller, "schedule jobs on");
        if (!stream.isOpen()) {
            throw new RpcException(RpcError.of(RpcError.Code.STREAM_CLOSED, "schedule " + id + ": stream '"
                    + r.stream() + "' is closed"));
        }
        ScheduleRecord old = store.schedule(id).orElse(null);
        if (old != null && !old.stream().equals(r.stream())) {
            require(old.stream(), r.client(), caller, "move schedules away from");
        }
        Instant now = clock.instant();
        boolean sameTimes = old != null && old.spec().cron().equals(r.spec().cron())
                && old.spec().seconds() == r.spec().seconds() && old.spec().zone().equals(r.spec().zone());
        // the same times: the next occurrence stands (an upsert repeated by every start of a client changes nothing)
        Instant next = sameTimes && old.next() != null ? old.next() : cron.next(now);
        ScheduleRecord s = ScheduleRecord.defined(id, r.stream(), r.client(), job.function(), r.spec(),
                Json.write(job), old != null && old.paused(), next, old == null ? now : old.created());
        store.saveSchedule(s);
        firing.changed();
        results.declare(store.schedule(id).orElseThrow());
        log.info("schedule {} {}: {} on stream {}, {}, next {}", id, old == null ? "created" : "updated", cron,
                r.stream(), job.function(), next);
        return info(store.schedule(id).orElseThrow());
    }

    private StreamInfo require(String streamId, String client, Caller caller, String what) {
        StreamInfo stream = store.stream(streamId).orElseThrow(() -> new RpcException(RpcError.of(
                RpcError.Code.UNKNOWN_STREAM, "no stream '" + streamId + "' — create it first")));
        CreatorRule.require(stream, client, caller, what);
        return stream;
    }

    private ScheduleInfo info(ScheduleRecord s) {
        long lag = s.lastFired() == null || s.lastOccurrence() == null ? 0
                : Math.max(0, Duration.between(s.lastOccurrence(), s.lastFired()).toMillis());
        return new ScheduleInfo(s.id(), s.stream(), s.creator(), s.function(), s.spec(), s.paused(), s.next(),
                s.lastOccurrence(), s.lastJob(), s.lastOutcome(), lag, s.runs(), s.misses(), s.overlapSkips(),
                s.lost(), s.running(), results.queue(s.stream(), s.id()));
    }

    private static CronSchedule cron(ScheduleSpec spec) {
        return CronSchedule.parse(spec.cron(), spec.seconds(), spec.zone());
    }

    private static String checkedId(String id) {
        try {
            return ScheduleSpec.checkId(id);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    private static RpcException refused(String message) {
        return new RpcException(RpcError.of(RpcError.Code.BAD_REQUEST, message));
    }

    /** For the status page: every schedule as it is reported. */
    public List<ScheduleInfo> all() {
        return store.schedules().stream().map(this::info).toList();
    }
}
