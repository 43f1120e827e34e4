package io.impetus.coordinator.store;

import io.impetus.core.job.JobCancel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cancels the active coordinator accepted, a {@code cancels} row each, keyed by what they name (stream, job or
 * {@code ''} for every job of the stream forked up to {@code accepted}), when they were accepted (to the
 * millisecond, as nodes hear them) and who asked: written before the cancel is acknowledged, so a restart of every
 * coordinator forgets none, and the one that holds the lease next lists them to nodes.
 */
final class CancelTable {
    private final String scope;

    CancelTable(String scope) {
        this.scope = scope;
    }

    /** Idempotent DDL of the table (the same SQL on H2 and PostgreSQL). */
    static List<String> schema() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS cancels (scope VARCHAR(300) NOT NULL, stream VARCHAR(100) NOT NULL,"
                        + " job VARCHAR(200) NOT NULL, accepted TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " asker VARCHAR(300) NOT NULL, PRIMARY KEY (scope, stream, job, accepted, asker))",
                "CREATE INDEX IF NOT EXISTS cancels_accepted ON cancels (scope, accepted)");
    }

    /** Records {@code cancel} unless it is recorded already; whether it was new. */
    boolean save(Connection c, JobCancel cancel) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM cancels WHERE scope = ? AND stream = ? AND job = ?"
                + " AND accepted = ? AND asker = ?")) {
            bind(ps, cancel);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cancels (scope, stream, job, accepted, asker) VALUES (?, ?, ?, ?, ?)")) {
            bind(ps, cancel);
            return ps.executeUpdate() == 1;
        }
    }

    private void bind(PreparedStatement ps, JobCancel cancel) throws SQLException {
        ps.setString(1, scope);
        ps.setString(2, cancel.stream());
        ps.setString(3, cancel.job() == null ? "" : cancel.job());
        ps.setTimestamp(4, Timestamp.from(millis(cancel.before())));
        ps.setString(5, cancel.by() == null ? "" : cancel.by());
    }

    /** The newest {@code max} cancels accepted at {@code since} or later, oldest first. */
    List<JobCancel> list(Connection c, Instant since, int max) throws SQLException {
        List<JobCancel> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT stream, job, accepted, asker FROM cancels WHERE scope = ?"
                + " AND accepted >= ? ORDER BY accepted DESC, stream DESC, job DESC, asker DESC LIMIT ?")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, Timestamp.from(since));
            ps.setInt(3, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String job = rs.getString(2);
                    String by = rs.getString(4);
                    out.add(new JobCancel(rs.getString(1), job.isEmpty() ? null : job,
                            millis(rs.getTimestamp(3).toInstant()), by.isEmpty() ? null : by));
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * Deletes the cancels accepted before {@code before}, and those of streams whose queues were removed (closed and
     * drained) or whose row is gone: no job of theirs can be waiting any more. Returns how many went.
     */
    int removeOld(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM cancels WHERE scope = ? AND (accepted < ? OR stream"
                + " NOT IN (SELECT id FROM streams WHERE scope = ? AND drained IS NULL))")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, Timestamp.from(before));
            ps.setString(3, scope);
            return ps.executeUpdate();
        }
    }

    /** A cancel's time as nodes hear it on the events exchange (JSON carries milliseconds). */
    static Instant millis(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS);
    }
}
