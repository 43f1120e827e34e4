package io.impetus.coordinator.store;

import io.impetus.coordinator.store.CoordinatorStore.DelayedJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delayed jobs of one scope, a {@code delayed_jobs} row each (its body, due time on the database's clock,
 * priority), from their hold until their publish is confirmed. A claim marks its rows with the claiming lease
 * epoch; a row claimed under another epoch and not released may have been published by that holder.
 */
final class DelayedJobTable {
    private static final Logger log = LoggerFactory.getLogger(DelayedJobTable.class);

    private final Database db;
    private final String scope;

    DelayedJobTable(Database db, String scope) {
        this.db = db;
        this.scope = scope;
    }

    /** Whether the job is held already (a redelivered hold: the first due time stands). */
    boolean held(Connection c, String id) throws SQLException {
        return Rows.exists(c, "delayed_jobs", scope, id);
    }

    int insert(Connection c, String id, String stream, Instant due, int priority, byte[] body) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO delayed_jobs (scope, id, stream, due, priority, body) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            ps.setString(3, stream);
            ps.setTimestamp(4, Timestamp.from(due));
            ps.setInt(5, priority);
            ps.setBytes(6, body);
            return ps.executeUpdate();
        }
    }

    /** How soon the earliest held job falls due (negative: overdue), on the database's clock. */
    Optional<Duration> nextDueIn(Connection c) throws SQLException {
        Instant earliest;
        try (PreparedStatement ps = c.prepareStatement("SELECT due FROM delayed_jobs WHERE scope = ? ORDER BY due"
                + " LIMIT 1")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                earliest = rs.getTimestamp(1).toInstant();
            }
        }
        return Optional.of(Duration.between(db.now(c), earliest));
    }

    /** Up to {@code limit} due jobs, earliest first, each marked claimed under {@code epoch}. */
    List<DelayedJob> claimDue(Connection c, int limit, long epoch) throws SQLException {
        List<DelayedJob> out = new ArrayList<>();
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
        return out;
    }

    int count(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM delayed_jobs WHERE scope = ? AND stream = ?")) {
            ps.setString(1, scope);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Deletes the job's row (its publish was confirmed); how many rows went. */
    int release(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM delayed_jobs WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            return ps.executeUpdate();
        }
    }
}
