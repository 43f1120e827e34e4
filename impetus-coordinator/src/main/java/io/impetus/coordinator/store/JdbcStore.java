package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinatorStore} through JDBC, on an embedded H2 file or on PostgreSQL; the SQL that
 * differs between the two is in {@link Dialect}, each table's in a class of its own ({@link StreamTable},
 * {@link DelayedJobTable}, {@link LeaseTable}, …), the fence in {@link ActiveWrites}. Each call takes a
 * pooled connection; every statement names the store's scope.
 */
final class JdbcStore implements CoordinatorStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    private final Database db;
    private final String scope;
    private final LeaseTable leases;
    private final StreamTable streams;
    private final BundleTable bundles;
    private final DelayedJobTable delayedJobs;
    private final DependantTable dependants;
    private final ScheduleTable schedules;
    private final CancelTable cancels;
    private final ActiveWrites writes;

    private JdbcStore(Database db, String scope, LeaseTable leases, ActiveWrites writes) {
        this.db = db;
        this.scope = scope;
        this.leases = leases;
        this.streams = new StreamTable(db, scope);
        this.bundles = new BundleTable(scope);
        this.delayedJobs = new DelayedJobTable(db, scope);
        this.dependants = new DependantTable(db, scope);
        this.schedules = new ScheduleTable(db, scope);
        this.cancels = new CancelTable(scope);
        this.writes = writes;
    }

    static JdbcStore open(String location, Path directory, String scope, Clock databaseClock) {
        if (scope == null || scope.isBlank() || scope.length() > 300) {
            throw new IllegalArgumentException("a store's scope is its installation's vhost/prefix (1 to 300"
                    + " characters), was '" + scope + "'");
        }
        Database db = Database.open(location, directory, databaseClock);
        try {
            Schema.migrate(db, scope);
        } catch (ImpetusException e) {
            db.close();
            throw e;
        }
        log.info("data store: {}, installation {}", db.where(), scope);
        LeaseTable leases = new LeaseTable(db, scope);
        return new JdbcStore(db, scope, leases, ActiveWrites.unfenced(db, leases));
    }

    @Override
    public String describe() {
        return db.where();
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public CoordinatorStore fenced(String lease, LongSupplier epoch, LongConsumer onFenced) {
        // a view's own lease table, as each view always had (what it keeps of leases taken through it is its own)
        return new JdbcStore(db, scope, new LeaseTable(db, scope), writes.fenced(lease, epoch, onFenced));
    }

    @Override
    public Optional<StreamInfo> stream(String id) {
        return db.run("read stream " + id, c -> streams.read(c, id));
    }

    @Override
    public List<StreamInfo> streams(boolean includeClosed) {
        return db.run("list streams", c -> streams.list(c, includeClosed ? "" : " AND state = 'OPEN'"));
    }

    @Override
    public List<StreamInfo> closedStreamsNotDrained() {
        return db.run("list closed streams", c -> streams.list(c, " AND state = 'CLOSED' AND drained IS NULL"));
    }

    @Override
    public void saveStream(StreamInfo stream) {
        writes.run("save stream " + stream.id(), c -> streams.save(c, stream));
    }

    @Override
    public void markDrained(String streamId) {
        writes.run("note stream " + streamId + " drained", c -> streams.markDrained(c, streamId));
    }

    @Override
    public void saveBundle(String bundleId, byte[] zip, Instant now) {
        writes.insertOnce("save bundle " + bundleId, c -> bundles.save(c, bundleId, zip, now));
    }

    @Override
    public Optional<byte[]> bundle(String bundleId) {
        return db.run("read bundle " + bundleId, c -> bundles.read(c, bundleId));
    }

    @Override
    public Instant holdJob(String id, String stream, Duration delay, int priority, byte[] body) {
        Instant[] due = new Instant[1];
        writes.insertOnce("hold delayed job " + id, c -> {
            if (delayedJobs.held(c, id)) {
                return null; // held already (a redelivery): the first due time stands
            }
            due[0] = db.now(c).plus(delay);
            return delayedJobs.insert(c, id, stream, due[0], priority, body);
        });
        if (due[0] != null) {
            db.jobsHeld(delay); // committed: a look for due jobs from now on finds it
        }
        return due[0];
    }

    @Override
    public Optional<Duration> nextDueIn() {
        return db.run("read when the next delayed job is due", delayedJobs::nextDueIn);
    }

    @Override
    public void onJobsHeld(Consumer<Duration> listener) {
        db.onJobsHeld(listener);
    }

    @Override
    public List<DelayedJob> claimDueJobs(int limit) {
        long epoch = writes.epoch(); // read before the fenced transaction, which reads it again to check it
        return writes.run("claim due jobs", c -> delayedJobs.claimDue(c, limit, epoch));
    }

    @Override
    public int delayedCount(String stream) {
        return db.run("count delayed jobs", c -> delayedJobs.count(c, stream));
    }

    @Override
    public void releaseJob(String id) {
        db.run("release delayed job " + id, c -> delayedJobs.release(c, id));
    }

    @Override
    public int registerDependant(Dependant dependant, Readying make) {
        int remaining = writes.run("hold job " + dependant.id() + " until its inputs are done",
                c -> dependants.register(c, dependant, make));
        if (remaining == 0) {
            db.jobsHeld(Duration.ZERO); // held ready, due now (or registered before: a look finds nothing new)
        }
        return remaining;
    }

    @Override
    public int inputDone(String id, String stream, boolean ok, byte[] finished, Readying make) {
        int released = writes.run("count job " + id + " as done", c -> {
            int completed = dependants.inputDone(c, id, stream, ok, finished, make);
            schedules.jobDone(c, id, ok); // a schedule's run: its outcome, in the same transaction
            return completed;
        });
        if (released > 0) {
            db.jobsHeld(Duration.ZERO); // the dependants it completed are held ready, due now
        }
        return released;
    }

    @Override
    public OptionalInt waitingFor(String id) {
        return db.run("read dependant " + id, c -> dependants.waitingFor(c, id));
    }

    @Override
    public Optional<KnownJob> knownJob(String id) {
        return db.run("look up job " + id, c -> {
            for (String table : new String[] {"inputs_done", "delayed_jobs", "dependants"}) {
                Optional<String> stream = Rows.streamOf(c, table, scope, id);
                if (stream.isPresent()) {
                    return Optional.of(new KnownJob(stream.get(), table.equals("inputs_done")));
                }
            }
            return Optional.<KnownJob>empty();
        });
    }

    @Override
    public Removed removeOld(Duration retention, String leasePrefix) {
        return writes.run("remove old rows", c -> {
            Instant before = db.now(c).minus(retention);
            int streamRows = streams.removeDrained(c, before);
            Removed removed = new Removed(streamRows, leases.removeExpired(c, leasePrefix, before));
            int dependantRows = dependants.removeOld(c, before) + schedules.removeOld(c, before);
            if (dependantRows > 0) {
                log.info("removed {} row(s) of released dependants, done inputs and finished schedule runs older than {}", dependantRows,
                        retention);
            }
            return removed;
        });
    }

    @Override
    public void saveSchedule(ScheduleRecord schedule) {
        writes.run("save schedule " + schedule.id(), c -> {
            schedules.save(c, schedule);
            return null;
        });
    }

    @Override
    public Optional<ScheduleRecord> schedule(String id) {
        return db.run("read schedule " + id, c -> schedules.read(c, id));
    }

    @Override
    public List<ScheduleRecord> schedules() {
        return db.run("list schedules", schedules::all);
    }

    @Override
    public boolean deleteSchedule(String id) {
        return writes.run("delete schedule " + id, c -> schedules.delete(c, id));
    }

    @Override
    public boolean pauseSchedule(String id, boolean paused, Instant next) {
        return writes.run((paused ? "pause" : "resume") + " schedule " + id, c -> schedules.pause(c, id, paused, next));
    }

    @Override
    public int fireSchedule(ScheduleRecord.Firing firing) {
        int added = writes.run("fire schedule " + firing.schedule(), c -> schedules.fire(c, firing));
        if (added > 0) {
            db.jobsHeld(Duration.ZERO); // its jobs are held, due now
        }
        return added;
    }

    @Override
    public List<String> loseScheduleRuns(String id, Instant firedBefore) {
        return writes.run("give up lost runs of schedule " + id, c -> schedules.loseRuns(c, id, firedBefore));
    }

    @Override
    public long[] scheduleOccurrences(String id) {
        return db.run("count occurrences of schedule " + id, c -> schedules.occurrences(c, id));
    }

    @Override
    public void saveCancel(JobCancel cancel) {
        writes.insertOnce("record the cancel of " + (cancel.job() == null ? "stream " + cancel.stream() : "job " + cancel.job()),
                c -> cancels.save(c, cancel));
    }

    @Override
    public List<JobCancel> cancels(Instant since, int max) {
        return db.run("list cancels", c -> cancels.list(c, since, max));
    }

    @Override
    public int removeOldCancels(Duration keep) {
        return writes.run("remove old cancels", c -> cancels.removeOld(c, db.now(c).minus(keep)));
    }

    @Override
    public OptionalLong lease(String name, String holder, Duration ttl) {
        return leases.take(name, holder, ttl);
    }

    @Override
    public void releaseLease(String name, String holder) {
        leases.release(name, holder);
    }

    @Override
    public int heldLeases(String namePrefix) {
        return leases.held(namePrefix);
    }

    /** Closes the connections; a fenced view shares them and closes nothing. */
    @Override
    public void close() {
        if (!writes.isFenced()) {
            db.close();
        }
    }
}
