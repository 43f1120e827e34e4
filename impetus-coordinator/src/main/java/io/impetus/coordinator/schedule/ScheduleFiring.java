package io.impetus.coordinator.schedule;

import io.impetus.coordinator.store.CoordinatorStore;
import io.impetus.coordinator.store.FencedException;
import io.impetus.coordinator.store.ScheduleRecord;
import io.impetus.core.codec.Json;
import io.impetus.core.job.JobEnvelope;
import io.impetus.core.job.JobStatus;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.schedule.ScheduleSpec;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the schedules' due occurrences ({@link #runOnce()}), on the active coordinator: reads every schedule from
 * the store, plans each due one on the coordinator's clock ({@link FiringPlan}) and writes the plan in one fenced
 * transaction — occurrence rows under their unique key and their jobs among the delayed jobs, due now, which
 * {@code PublishDueJobs} publishes with confirms. A coordinator whose lease moved on writes nothing; one that fires
 * an occurrence another already fired adds nothing: one job per occurrence. Each run's job is the schedule's
 * template with a job id of its own ({@code <schedule>:<occurrence millis>}), created at its occurrence, sent to
 * the schedule's results queue ({@link ScheduleResults}) and awaited (its node tells the coordinator when it is
 * done, which the overlap policy needs), signed with the installation's key. One thread; not thread-safe.
 */
public final class ScheduleFiring {
    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);

    private final CoordinatorStore store;
    private final ScheduleResults results;
    private final SigningKey key;
    private final Clock clock;
    private final Map<String, CronSchedule> parsed = new ConcurrentHashMap<>();
    /** Schedules whose stream was found closed (warned about once). */
    private final Set<String> closedStreams = ConcurrentHashMap.newKeySet();
    /** The earliest next occurrence of an active schedule the last pass read ({@code null}: none). */
    private Instant earliest;
    /** Whether the last pass read every schedule. */
    private boolean readAll;
    private volatile Runnable onChange = () -> { };

    /**
     * @param store the store fenced by the lease
     * @param key the installation's signing key ({@code null}: unsigned)
     */
    public ScheduleFiring(CoordinatorStore store, ScheduleResults results, SigningKey key, Clock clock) {
        this.store = store;
        this.results = results;
        this.key = key;
        this.clock = clock;
    }

    /** Tells {@code listener} each time a schedule is saved, paused or resumed ({@link #changed()}). */
    public void whenChanged(Runnable listener) {
        onChange = listener;
    }

    /** A schedule was saved, paused or resumed (committed): its next occurrence may be sooner than the last pass saw. */
    public void changed() {
        onChange.run();
    }

    /**
     * How long from now until the earliest next occurrence the last {@link #runOnce()} read (zero or less: one
     * is due, or the pass did not read every schedule), empty when no schedule is active.
     */
    public Optional<Duration> nextIn() {
        if (!readAll) {
            return Optional.of(Duration.ZERO);
        }
        return earliest == null ? Optional.empty() : Optional.of(Duration.between(clock.instant(), earliest));
    }

    /** Fires what is due now; returns how many jobs it added. */
    public int runOnce() {
        Instant now = clock.instant();
        int added = 0;
        earliest = null;
        readAll = false;
        for (ScheduleRecord listed : store.schedules()) {
            if (!listed.paused() && listed.next() != null && (earliest == null || listed.next().isBefore(earliest))) {
                earliest = listed.next(); // a fired one's is now past: the next pass reads its new one
            }
            ScheduleRecord s;
            try {
                s = withoutLostRuns(listed, now);
            } catch (FencedException e) {
                log.info("schedules not fired: {}", e.getMessage());
                return added;
            } catch (RuntimeException e) {
                log.warn("schedule {}: lost runs not checked this pass: {}", listed.id(), e.getMessage());
                s = listed;
            }
            if (s.paused() || s.next() == null || s.next().isAfter(now)) {
                continue;
            }
            try {
                added += Math.max(0, fire(s, now));
            } catch (FencedException e) {
                log.info("schedules not fired: {}", e.getMessage());
                return added;
            } catch (RuntimeException e) {
                log.warn("schedule {}: not fired this pass: {}", s.id(), e.getMessage());
            }
        }
        readAll = true;
        return added;
    }

    /**
     * Gives up {@code s}'s runs that have gone longer than their bound ({@link RunBound}, from its stream's
     * properties) without a done notice: they are recorded as lost, counted and logged, and no longer hold off
     * the next occurrence under overlap {@code SKIP}. Returns {@code s} as it is then.
     */
    private ScheduleRecord withoutLostRuns(ScheduleRecord s, Instant now) {
        if (s.oldestRunning() == null || !s.oldestRunning().isBefore(now.minus(RunBound.MARGIN))) {
            return s; // no bound is shorter than the margin: the stream need not be read (every pass, 5 a second)
        }
        Duration bound = RunBound.of(store.stream(s.stream()).map(StreamInfo::properties).orElse(null));
        Instant firedBefore = now.minus(bound);
        if (!s.oldestRunning().isBefore(firedBefore)) {
            return s;
        }
        List<String> lost = store.loseScheduleRuns(s.id(), firedBefore);
        if (lost.isEmpty()) {
            return s;
        }
        log.warn("schedule {}: {} run(s) had no done notice within {} (stream {}'s job timeout x attempts + margin)"
                + " and count as lost: {}; the schedule runs on", s.id(), lost.size(), bound, s.stream(), lost);
        return store.schedule(s.id()).orElse(s);
    }

    /** Runs schedule {@code s} once now, whatever its cron says ({@code trigger}); returns its job's id. */
    public String trigger(ScheduleRecord s) {
        Instant now = clock.instant();
        ScheduleRecord.Fire fire = fireOf(s, now);
        results.declare(s);
        int added = store.fireSchedule(new ScheduleRecord.Firing(s.id(), s.next(), s.next(), List.of(fire), 0, 0, now));
        if (added < 0) {
            throw new IllegalStateException("schedule " + s.id() + " changed meanwhile; trigger it again");
        }
        log.info("schedule {}: triggered by hand, job {}", s.id(), fire.job());
        return fire.job();
    }

    private int fire(ScheduleRecord s, Instant now) {
        if (!store.stream(s.stream()).map(StreamInfo::isOpen).orElse(false)) {
            // its jobs would only be dead-lettered: it waits, and its misfire policy decides once the stream is open
            if (closedStreams.add(s.id())) {
                log.warn("schedule {}: stream {} is closed or gone; not fired until it is open again", s.id(), s.stream());
            }
            return 0;
        }
        closedStreams.remove(s.id());
        CronSchedule cron = cron(s.spec());
        FiringPlan plan = FiringPlan.of(cron, s.spec(), s.next(), now, s.running());
        List<ScheduleRecord.Fire> fires = new ArrayList<>(plan.run().size());
        for (Instant occurrence : plan.run()) {
            fires.add(fireOf(s, occurrence));
        }
        if (!fires.isEmpty()) {
            results.declare(s);
        }
        int added = store.fireSchedule(new ScheduleRecord.Firing(s.id(), s.next(), plan.next(), fires, plan.missed(),
                plan.overlapSkipped(), now));
        if (plan.missed() > 0 || plan.overlapSkipped() > 0) {
            log.info("schedule {}: {} occurrence(s) run, {} missed ({}), {} skipped while a run was going ({}); next {}",
                    s.id(), added, plan.missed(), s.spec().misfire(), plan.overlapSkipped(), s.spec().overlap(),
                    plan.next());
        } else {
            log.debug("schedule {}: {} occurrence(s) run; next {}", s.id(), added, plan.next());
        }
        return added;
    }

    private ScheduleRecord.Fire fireOf(ScheduleRecord s, Instant occurrence) {
        JobEnvelope t = Json.read(s.job(), JobEnvelope.class);
        String id = jobId(s.id(), occurrence);
        JobEnvelope job = new JobEnvelope(id, s.stream(), ScheduleSpec.resultsClient(s.id()), t.name(), t.args(),
                t.code(), t.callback(), t.priority(), 0, occurrence, JobStatus.WAITING, null, null, null, 0,
                JobEnvelope.AWAITED, t.function(), null);
        JobEnvelope signed = key == null ? job : Signatures.signJob(key, job);
        return new ScheduleRecord.Fire(occurrence, id, s.stream(), t.priority(), Json.write(signed));
    }

    /** The id of the job of schedule {@code schedule}'s occurrence at {@code occurrence}. */
    public static String jobId(String schedule, Instant occurrence) {
        return schedule + ":" + occurrence.toEpochMilli();
    }

    private CronSchedule cron(ScheduleSpec spec) {
        return parsed.computeIfAbsent(spec.seconds() + "|" + spec.zone() + "|" + spec.cron(),
                k -> CronSchedule.parse(spec.cron(), spec.seconds(), spec.zone()));
    }
}
