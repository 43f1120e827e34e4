package io.impetus.coordinator.store;

import io.impetus.core.schedule.MisfirePolicy;
import io.impetus.core.schedule.OverlapPolicy;
import io.impetus.core.schedule.ScheduleSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Recurring jobs: a {@code schedules} row per schedule, and a {@code schedule_occurrences} row per occurrence
 * fired, under the unique key (schedule, occurrence), written in the transaction that puts the occurrence's job
 * among the delayed jobs (due now, published with confirms by {@code PublishDueJobs}). An occurrence is fired at
 * most once whatever the coordinators do; the caller fences the transaction by the lease. A run's outcome is
 * noted on its row when its job's done notice is counted (same transaction as {@code inputs_done}).
 */
final class ScheduleTable {
    private static final String COLUMNS = "id, stream, creator, function, cron, seconds, zone, misfire, catch_up,"
            + " misfire_after, overlap, results_kept, results_ttl, job, paused, next, last_occurrence, last_job,"
            + " last_outcome, last_fired, runs, misses, overlap_skips, created, lost";
    /** A run's outcome when no done notice came within its bound (a late notice still replaces it). */
    static final String LOST = "lost";

    private final Database db;
    private final String scope;

    ScheduleTable(Database db, String scope) {
        this.db = db;
        this.scope = scope;
    }

    /** Inserts a schedule or replaces its definition, paused flag and next occurrence; its history stays. */
    void save(Connection c, ScheduleRecord s) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schedules WHERE scope = ? AND id = ? FOR UPDATE")) {
            ps.setString(1, scope);
            ps.setString(2, s.id());
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String sql = exists
                ? "UPDATE schedules SET stream = ?, creator = ?, function = ?, cron = ?, seconds = ?, zone = ?,"
                + " misfire = ?, catch_up = ?, misfire_after = ?, overlap = ?, results_kept = ?, results_ttl = ?,"
                + " job = ?, paused = ?, next = ? WHERE scope = ? AND id = ?"
                : "INSERT INTO schedules (stream, creator, function, cron, seconds, zone, misfire, catch_up,"
                + " misfire_after, overlap, results_kept, results_ttl, job, paused, next, scope, id, created, runs,"
                + " misses, overlap_skips) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ScheduleSpec spec = s.spec();
            ps.setString(1, s.stream());
            ps.setString(2, s.creator());
            ps.setString(3, s.function());
            ps.setString(4, spec.cron());
            ps.setBoolean(5, spec.seconds());
            ps.setString(6, spec.zone());
            ps.setString(7, spec.misfire().name());
            ps.setInt(8, spec.catchUpCap());
            ps.setLong(9, spec.misfireAfterSeconds());
            ps.setString(10, spec.overlap().name());
            ps.setInt(11, spec.resultsKept());
            ps.setLong(12, spec.resultsTtlSeconds());
            ps.setBytes(13, s.job());
            ps.setBoolean(14, s.paused());
            ps.setTimestamp(15, ts(s.next()));
            ps.setString(16, scope);
            ps.setString(17, s.id());
            if (!exists) {
                ps.setTimestamp(18, ts(s.created() == null ? db.now(c) : s.created()));
            }
            ps.executeUpdate();
        }
    }

    Optional<ScheduleRecord> read(Connection c, String id) throws SQLException {
        List<ScheduleRecord> found = select(c, " AND s.id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    List<ScheduleRecord> all(Connection c) throws SQLException {
        return select(c, "", null);
    }

    private List<ScheduleRecord> select(Connection c, String where, String id) throws SQLException {
        List<ScheduleRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS.replaceAll("(\\w+)", "s.$1")
                + ", (SELECT COUNT(*) FROM schedule_occurrences o WHERE o.scope = s.scope AND o.schedule = s.id"
                + " AND o.outcome IS NULL), (SELECT MIN(o.fired) FROM schedule_occurrences o WHERE o.scope = s.scope"
                + " AND o.schedule = s.id AND o.outcome IS NULL) FROM schedules s WHERE s.scope = ?" + where
                + " ORDER BY s.id")) {
            ps.setString(1, scope);
            if (id != null) {
                ps.setString(2, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ScheduleSpec spec = new ScheduleSpec(rs.getString(5), rs.getBoolean(6), rs.getString(7),
                            MisfirePolicy.valueOf(rs.getString(8)), rs.getInt(9), rs.getLong(10),
                            OverlapPolicy.valueOf(rs.getString(11)), rs.getInt(12), rs.getLong(13));
                    out.add(new ScheduleRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            spec, rs.getBytes(14), rs.getBoolean(15), instant(rs.getTimestamp(16)),
                            instant(rs.getTimestamp(17)), rs.getString(18), rs.getString(19),
                            instant(rs.getTimestamp(20)), rs.getLong(21), rs.getLong(22), rs.getLong(23), rs.getLong(25),
                            rs.getInt(26), instant(rs.getTimestamp(27)), instant(rs.getTimestamp(24))));
                }
            }
        }
        return out;
    }

    boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM schedule_occurrences WHERE scope = ? AND schedule = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM schedules WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        }
    }

    boolean pause(Connection c, String id, boolean paused, Instant next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedules SET paused = ?, next = ? WHERE scope = ? AND id = ?")) {
            ps.setBoolean(1, paused);
            ps.setTimestamp(2, ts(next));
            ps.setString(3, scope);
            ps.setString(4, id);
            return ps.executeUpdate() > 0;
        }
    }

    /** See {@link ScheduleRecord.Firing}; returns how many jobs it added, -1 when the schedule changed or went. */
    int fire(Connection c, ScheduleRecord.Firing f) throws SQLException {
        Instant stored;
        try (PreparedStatement ps = c.prepareStatement("SELECT next FROM schedules WHERE scope = ? AND id = ? FOR UPDATE")) {
            ps.setString(1, scope);
            ps.setString(2, f.schedule());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return -1;
                }
                stored = instant(rs.getTimestamp(1));
            }
        }
        if (stored == null ? f.expectedNext() != null : !stored.equals(f.expectedNext())) {
            return -1;
        }
        int added = 0;
        ScheduleRecord.Fire last = null;
        for (ScheduleRecord.Fire fire : f.fires()) {
            if (fired(c, f.schedule(), fire.occurrence())) {
                continue; // fired before (by this coordinator or another): its one job exists
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO schedule_occurrences (scope, schedule,"
                    + " occurrence, job, fired) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, scope);
                ps.setString(2, f.schedule());
                ps.setTimestamp(3, ts(fire.occurrence()));
                ps.setString(4, fire.job());
                ps.setTimestamp(5, ts(f.firedAt()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO delayed_jobs (scope, id, stream, due, priority, body) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, scope);
                ps.setString(2, fire.job());
                ps.setString(3, fire.stream());
                ps.setTimestamp(4, ts(db.now(c)));
                ps.setInt(5, fire.priority());
                ps.setBytes(6, fire.body());
                ps.executeUpdate();
            }
            added++;
            last = fire;
        }
        String lastColumns = last == null ? "" : ", last_occurrence = ?, last_job = ?, last_outcome = 'running',"
                + " last_fired = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedules SET next = ?, runs = runs + ?, misses = misses"
                + " + ?, overlap_skips = overlap_skips + ?" + lastColumns + " WHERE scope = ? AND id = ?")) {
            int i = 1;
            ps.setTimestamp(i++, ts(f.next()));
            ps.setLong(i++, added);
            ps.setLong(i++, f.missed());
            ps.setLong(i++, f.overlapSkipped());
            if (last != null) {
                ps.setTimestamp(i++, ts(last.occurrence()));
                ps.setString(i++, last.job());
                ps.setTimestamp(i++, ts(f.firedAt()));
            }
            ps.setString(i++, scope);
            ps.setString(i, f.schedule());
            ps.executeUpdate();
        }
        return added;
    }

    /** A job finished: its occurrence's outcome (and its schedule's, if it was the last run); nothing if not a schedule's. */
    void jobDone(Connection c, String job, boolean ok) throws SQLException {
        String outcome = ok ? "ok" : "error";
        // a run given up as lost that finishes after all gets its real outcome (its count in 'lost' stays)
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedule_occurrences SET outcome = ?, finished = ?"
                + " WHERE scope = ? AND job = ? AND (outcome IS NULL OR outcome = '" + LOST + "')")) {
            ps.setString(1, outcome);
            ps.setTimestamp(2, ts(db.now(c)));
            ps.setString(3, scope);
            ps.setString(4, job);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedules SET last_outcome = ? WHERE scope = ?"
                + " AND last_job = ?")) {
            ps.setString(1, outcome);
            ps.setString(2, scope);
            ps.setString(3, job);
            ps.executeUpdate();
        }
    }

    /**
     * Gives up schedule {@code schedule}'s runs fired before {@code firedBefore} that still have no outcome: each
     * gets the outcome {@code lost}, the schedule's count of lost runs grows, and its last outcome says
     * {@code lost} if its last run was one of them. Returns the lost runs' job ids.
     */
    List<String> loseRuns(Connection c, String schedule, Instant firedBefore) throws SQLException {
        List<String> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT job FROM schedule_occurrences WHERE scope = ?"
                + " AND schedule = ? AND outcome IS NULL AND fired < ? ORDER BY occurrence FOR UPDATE")) {
            ps.setString(1, scope);
            ps.setString(2, schedule);
            ps.setTimestamp(3, ts(firedBefore));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(rs.getString(1));
                }
            }
        }
        if (jobs.isEmpty()) {
            return jobs;
        }
        Timestamp now = ts(db.now(c));
        for (String job : jobs) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE schedule_occurrences SET outcome = '" + LOST
                    + "', finished = ? WHERE scope = ? AND schedule = ? AND job = ? AND outcome IS NULL")) {
                ps.setTimestamp(1, now);
                ps.setString(2, scope);
                ps.setString(3, schedule);
                ps.setString(4, job);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedules SET lost = lost + ? WHERE scope = ? AND id = ?")) {
            ps.setLong(1, jobs.size());
            ps.setString(2, scope);
            ps.setString(3, schedule);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE schedules SET last_outcome = '" + LOST + "' WHERE"
                + " scope = ? AND id = ? AND last_outcome = 'running' AND last_job = ?")) {
            ps.setString(1, scope);
            ps.setString(2, schedule);
            ps.setString(3, jobs.get(jobs.size() - 1));
            ps.executeUpdate();
        }
        return jobs;
    }

    /** Counts of one schedule's occurrence rows: {all, with an outcome}. */
    long[] occurrences(Connection c, String schedule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(outcome) FROM schedule_occurrences"
                + " WHERE scope = ? AND schedule = ?")) {
            ps.setString(1, scope);
            ps.setString(2, schedule);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** Deletes occurrence rows that finished before {@code before} (the schedule's next never goes back to them). */
    int removeOld(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM schedule_occurrences WHERE scope = ?"
                + " AND outcome IS NOT NULL AND finished < ?")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, ts(before));
            return ps.executeUpdate();
        }
    }

    private boolean fired(Connection c, String schedule, Instant occurrence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schedule_occurrences WHERE scope = ?"
                + " AND schedule = ? AND occurrence = ?")) {
            ps.setString(1, scope);
            ps.setString(2, schedule);
            ps.setTimestamp(3, ts(occurrence));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
