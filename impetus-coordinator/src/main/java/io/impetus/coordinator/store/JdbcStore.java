package io.impetus.coordinator.store;

import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.job.JobCancel;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * differs between the two is in {@link Dialect}, the leases in {@link LeaseTable}. Each call takes a
 * pooled connection; every statement names the store's scope.
 */
final class JdbcStore implements CoordinatorStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);

    /** What a fenced view checks: the lease, the epoch it holds, whom to tell when it is stale. */
    private record Fence(String lease, LongSupplier epoch, LongConsumer onFenced) {
    }

    private final Database db;
    private final String scope;
    private final LeaseTable leases;
    private final DependantTable dependants;
    private final ScheduleTable schedules;
    private final CancelTable cancels;
    private final Fence fence;

    private JdbcStore(Database db, String scope, Fence fence) {
        this.db = db;
        this.scope = scope;
        this.leases = new LeaseTable(db, scope);
        this.dependants = new DependantTable(db, scope);
        this.schedules = new ScheduleTable(db, scope);
        this.cancels = new CancelTable(scope);
        this.fence = fence;
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
        return new JdbcStore(db, scope, null);
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
        return new JdbcStore(db, scope, new Fence(lease, epoch, onFenced));
    }

    /** A write only the active coordinator may do: in a fenced view, checked against the lease epoch in its transaction. */
    private void activeOnly(String what, Database.Work<?> write) {
        if (fence == null) {
            db.transaction(what, write);
            return;
        }
        long epoch = fence.epoch().getAsLong();
        boolean current = db.transaction(what, c -> {
            if (!leases.current(c, fence.lease(), epoch)) {
                return false;
            }
            write.apply(c);
            return true;
        });
        if (!current) {
            fence.onFenced().accept(epoch);
            throw new FencedException(epoch);
        }
    }

    /**
     * An active-only insert of a row that may exist already (same key, same content): then it changes
     * nothing, also when another connection inserted it at the same moment (the key's violation).
     */
    private void insertOnce(String what, Database.Work<Object> insert) {
        try {
            activeOnly(what, insert);
        } catch (ImpetusException e) {
            if (!(e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState()))) {
                throw e;
            }
        }
    }

    @Override
    public Optional<StreamInfo> stream(String id) {
        return db.run("read stream " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, properties, state, created, closed FROM streams WHERE scope = ? AND id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(streamFrom(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<StreamInfo> streams(boolean includeClosed) {
        return streamsWhere("list streams", includeClosed ? "" : " AND state = 'OPEN'");
    }

    @Override
    public List<StreamInfo> closedStreamsNotDrained() {
        return streamsWhere("list closed streams", " AND state = 'CLOSED' AND drained IS NULL");
    }

    private List<StreamInfo> streamsWhere(String what, String condition) {
        return db.run(what, c -> {
            List<StreamInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, properties, state, created, closed FROM streams"
                    + " WHERE scope = ?" + condition + " ORDER BY created, id")) {
                ps.setString(1, scope);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(streamFrom(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveStream(StreamInfo stream) {
        activeOnly("save stream " + stream.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(db.dialect().upsertStream())) {
                ps.setString(1, scope);
                ps.setString(2, stream.id());
                ps.setString(3, new String(Json.write(stream.properties().toMap()), StandardCharsets.UTF_8));
                ps.setString(4, stream.state().name());
                ps.setTimestamp(5, Timestamp.from(stream.created()));
                ps.setTimestamp(6, stream.closed() == null ? null : Timestamp.from(stream.closed()));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void markDrained(String streamId) {
        activeOnly("note stream " + streamId + " drained", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE streams SET drained = ? WHERE scope = ? AND id = ?"
                    + " AND state = 'CLOSED' AND drained IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(db.now(c)));
                ps.setString(2, scope);
                ps.setString(3, streamId);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void saveBundle(String bundleId, byte[] zip, Instant now) {
        insertOnce("save bundle " + bundleId, c -> {
            if (exists(c, "bundles", bundleId)) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles (scope, id, zip, created) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, scope);
                ps.setString(2, bundleId);
                ps.setBytes(3, zip);
                ps.setTimestamp(4, Timestamp.from(now));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<byte[]> bundle(String bundleId) {
        return db.run("read bundle " + bundleId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT zip FROM bundles WHERE scope = ? AND id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, bundleId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Instant holdJob(String id, String stream, Duration delay, int priority, byte[] body) {
        Instant[] due = new Instant[1];
        insertOnce("hold delayed job " + id, c -> {
            if (exists(c, "delayed_jobs", id)) {
                return null; // held already (a redelivery): the first due time stands
            }
            due[0] = db.now(c).plus(delay);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO delayed_jobs (scope, id, stream, due, priority, body) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, scope);
                ps.setString(2, id);
                ps.setString(3, stream);
                ps.setTimestamp(4, Timestamp.from(due[0]));
                ps.setInt(5, priority);
                ps.setBytes(6, body);
                return ps.executeUpdate();
            }
        });
        if (due[0] != null) {
            db.jobsHeld(delay); // committed: a look for due jobs from now on finds it
        }
        return due[0];
    }

    @Override
    public Optional<Duration> nextDueIn() {
        return db.run("read when the next delayed job is due", c -> {
            Instant earliest;
            try (PreparedStatement ps = c.prepareStatement("SELECT due FROM delayed_jobs WHERE scope = ? ORDER BY due"
                    + " LIMIT 1")) {
                ps.setString(1, scope);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Duration>empty();
                    }
                    earliest = rs.getTimestamp(1).toInstant();
                }
            }
            return Optional.of(Duration.between(db.now(c), earliest));
        });
    }

    @Override
    public void onJobsHeld(Consumer<Duration> listener) {
        db.onJobsHeld(listener);
    }

    @Override
    public List<DelayedJob> claimDueJobs(int limit) {
        List<DelayedJob> out = new ArrayList<>();
        long epoch = fence == null ? 0 : fence.epoch().getAsLong();
        activeOnly("claim due jobs", c -> {
            out.clear();
            List<String> earlier = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, stream, due, priority, body, claimed FROM delayed_jobs"
                    + " WHERE scope = ? AND due <= ? ORDER BY due LIMIT ?")) {
                ps.setString(1, scope);
                ps.setTimestamp(2, Timestamp.from(db.now(c)));
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DelayedJob(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                                rs.getInt(4), rs.getBytes(5)));
                        long claimed = rs.getLong(6);
                        if (!rs.wasNull() && claimed != epoch) {
                            earlier.add(rs.getString(1) + " (epoch " + claimed + ")");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE delayed_jobs SET claimed = ? WHERE scope = ? AND id = ?")) {
                for (DelayedJob job : out) {
                    ps.setLong(1, epoch);
                    ps.setString(2, scope);
                    ps.setString(3, job.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (!earlier.isEmpty()) {
                log.info("claimed {} due delayed job(s) an earlier lease holder had claimed and may have published:"
                        + " publishing them again (at least once): {}", earlier.size(), earlier);
            }
            return null;
        });
        return out;
    }

    @Override
    public int delayedCount(String stream) {
        return db.run("count delayed jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM delayed_jobs WHERE scope = ? AND stream = ?")) {
                ps.setString(1, scope);
                ps.setString(2, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public void releaseJob(String id) {
        db.run("release delayed job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM delayed_jobs WHERE scope = ? AND id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int registerDependant(Dependant dependant, Readying make) {
        int[] remaining = new int[1];
        activeOnly("hold job " + dependant.id() + " until its inputs are done",
                c -> remaining[0] = dependants.register(c, dependant, make));
        if (remaining[0] == 0) {
            db.jobsHeld(Duration.ZERO); // held ready, due now (or registered before: a look finds nothing new)
        }
        return remaining[0];
    }

    @Override
    public int inputDone(String id, String stream, boolean ok, byte[] finished, Readying make) {
        int[] released = new int[1];
        activeOnly("count job " + id + " as done", c -> {
            released[0] = dependants.inputDone(c, id, stream, ok, finished, make);
            schedules.jobDone(c, id, ok); // a schedule's run: its outcome, in the same transaction
            return null;
        });
        if (released[0] > 0) {
            db.jobsHeld(Duration.ZERO); // the dependants it completed are held ready, due now
        }
        return released[0];
    }

    @Override
    public OptionalInt waitingFor(String id) {
        return db.run("read dependant " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT remaining FROM dependants WHERE scope = ? AND id = ?")) {
                ps.setString(1, scope);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
                }
            }
        });
    }

    @Override
    public Optional<KnownJob> knownJob(String id) {
        return db.run("look up job " + id, c -> {
            for (String table : new String[] {"inputs_done", "delayed_jobs", "dependants"}) {
                try (PreparedStatement ps = c.prepareStatement("SELECT stream FROM " + table
                        + " WHERE scope = ? AND id = ?")) {
                    ps.setString(1, scope);
                    ps.setString(2, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return Optional.of(new KnownJob(rs.getString(1), table.equals("inputs_done")));
                        }
                    }
                }
            }
            return Optional.<KnownJob>empty();
        });
    }

    @Override
    public Removed removeOld(Duration retention, String leasePrefix) {
        Removed[] removed = new Removed[1];
        activeOnly("remove old rows", c -> {
            Instant before = db.now(c).minus(retention);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM streams WHERE scope = ? AND state = 'CLOSED'"
                    + " AND drained IS NOT NULL AND drained < ?")) {
                ps.setString(1, scope);
                ps.setTimestamp(2, Timestamp.from(before));
                removed[0] = new Removed(ps.executeUpdate(), leases.removeExpired(c, leasePrefix, before));
            }
            int dependantRows = dependants.removeOld(c, before) + schedules.removeOld(c, before);
            if (dependantRows > 0) {
                log.info("removed {} row(s) of released dependants, done inputs and finished schedule runs older than {}", dependantRows,
                        retention);
            }
            return null;
        });
        return removed[0];
    }

    @Override
    public void saveSchedule(ScheduleRecord schedule) {
        activeOnly("save schedule " + schedule.id(), c -> {
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
        boolean[] deleted = new boolean[1];
        activeOnly("delete schedule " + id, c -> deleted[0] = schedules.delete(c, id));
        return deleted[0];
    }

    @Override
    public boolean pauseSchedule(String id, boolean paused, Instant next) {
        boolean[] found = new boolean[1];
        activeOnly((paused ? "pause" : "resume") + " schedule " + id, c -> found[0] = schedules.pause(c, id, paused, next));
        return found[0];
    }

    @Override
    public int fireSchedule(ScheduleRecord.Firing firing) {
        int[] added = new int[1];
        activeOnly("fire schedule " + firing.schedule(), c -> added[0] = schedules.fire(c, firing));
        if (added[0] > 0) {
            db.jobsHeld(Duration.ZERO); // its jobs are held, due now
        }
        return added[0];
    }

    @Override
    public List<String> loseScheduleRuns(String id, Instant firedBefore) {
        List<?>[] lost = {List.of()};
        activeOnly("give up lost runs of schedule " + id, c -> lost[0] = schedules.loseRuns(c, id, firedBefore));
        @SuppressWarnings("unchecked")
        List<String> jobs = (List<String>) lost[0];
        return jobs;
    }

    @Override
    public long[] scheduleOccurrences(String id) {
        return db.run("count occurrences of schedule " + id, c -> schedules.occurrences(c, id));
    }

    @Override
    public void saveCancel(JobCancel cancel) {
        insertOnce("record the cancel of " + (cancel.job() == null ? "stream " + cancel.stream() : "job " + cancel.job()),
                c -> cancels.save(c, cancel));
    }

    @Override
    public List<JobCancel> cancels(Instant since, int max) {
        return db.run("list cancels", c -> cancels.list(c, since, max));
    }

    @Override
    public int removeOldCancels(Duration keep) {
        int[] removed = new int[1];
        activeOnly("remove old cancels", c -> removed[0] = cancels.removeOld(c, db.now(c).minus(keep)));
        return removed[0];
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

    private boolean exists(Connection c, String table, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static StreamInfo streamFrom(ResultSet rs) throws SQLException {
        Map<String, Object> props = Json.read(rs.getString(2).getBytes(StandardCharsets.UTF_8), Map.class);
        Timestamp closed = rs.getTimestamp(5);
        return new StreamInfo(rs.getString(1), StreamProperties.stored(props), StreamInfo.State.valueOf(rs.getString(3)),
                rs.getTimestamp(4).toInstant(), closed == null ? null : closed.toInstant());
    }

    /** Closes the connections; a fenced view shares them and closes nothing. */
    @Override
    public void close() {
        if (fence == null) {
            db.close();
        }
    }
}
