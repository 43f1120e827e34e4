package io.impetus.coordinator.store;

import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's data store: streams, code bundles and delayed jobs in an embedded H2
 * database on disk. Every write is a committed transaction, so a crash loses nothing that
 * was acknowledged. Thread-safe: each call takes its own pooled connection.
 */
public final class CoordinatorStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorStore.class);

    private final JdbcConnectionPool pool;
    private final Path directory;

    private CoordinatorStore(JdbcConnectionPool pool, Path directory) {
        this.pool = pool;
        this.directory = directory;
    }

    /** Opens (creating if needed) the store under {@code directory}. Only one process at a time. */
    public static CoordinatorStore open(Path directory) {
        try {
            io.impetus.core.config.OwnerOnly.directory(directory);
        } catch (java.io.IOException e) {
            throw new ImpetusException("cannot create the coordinator's data directory " + directory + ": " + e, e);
        }
        String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("impetus") + ";DB_CLOSE_ON_EXIT=FALSE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "impetus", "");
        pool.setMaxConnections(16);
        CoordinatorStore store = new CoordinatorStore(pool, directory);
        try {
            store.migrate();
        } catch (ImpetusException e) {
            pool.dispose();
            throw e;
        }
        log.info("data store at {}", directory.toAbsolutePath());
        return store;
    }

    private void migrate() {
        run("create schema", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS streams (id VARCHAR(100) PRIMARY KEY, properties CLOB NOT NULL,"
                        + " state VARCHAR(10) NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " closed TIMESTAMP WITH TIME ZONE)");
                s.execute("CREATE TABLE IF NOT EXISTS bundles (id CHAR(64) PRIMARY KEY, zip VARBINARY NOT NULL,"
                        + " created TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS delayed_jobs (id VARCHAR(100) PRIMARY KEY, stream VARCHAR(100) NOT NULL,"
                        + " due TIMESTAMP WITH TIME ZONE NOT NULL, priority INT NOT NULL, body VARBINARY NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS delayed_jobs_due ON delayed_jobs (due)");
            }
            return null;
        });
    }

    public Optional<StreamInfo> stream(String id) {
        return run("read stream " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, properties, state, created, closed FROM streams WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(streamFrom(rs)) : Optional.empty();
                }
            }
        });
    }

    public List<StreamInfo> streams(boolean includeClosed) {
        return run("list streams", c -> {
            String sql = "SELECT id, properties, state, created, closed FROM streams"
                    + (includeClosed ? "" : " WHERE state = 'OPEN'") + " ORDER BY created, id";
            List<StreamInfo> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(streamFrom(rs));
                }
            }
            return out;
        });
    }

    /** Inserts or replaces a stream's record. */
    public void saveStream(StreamInfo stream) {
        run("save stream " + stream.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO streams (id, properties, state, created, closed) KEY (id) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, stream.id());
                ps.setString(2, new String(Json.write(stream.properties().toMap()), java.nio.charset.StandardCharsets.UTF_8));
                ps.setString(3, stream.state().name());
                ps.setTimestamp(4, Timestamp.from(stream.created()));
                ps.setTimestamp(5, stream.closed() == null ? null : Timestamp.from(stream.closed()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Stores a bundle (once; the id is its content hash). */
    public void saveBundle(String bundleId, byte[] zip, Instant now) {
        run("save bundle " + bundleId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO bundles (id, zip, created) KEY (id) VALUES (?, ?, ?)")) {
                ps.setString(1, bundleId);
                ps.setBytes(2, zip);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<byte[]> bundle(String bundleId) {
        return run("read bundle " + bundleId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT zip FROM bundles WHERE id = ?")) {
                ps.setString(1, bundleId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** A job the coordinator holds until {@code due}. */
    public record DelayedJob(String id, String stream, Instant due, int priority, byte[] body) {
    }

    /** Holds a delayed job; holding the same id again changes nothing (redelivery is harmless). */
    public void holdJob(DelayedJob job) {
        run("hold delayed job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO delayed_jobs (id, stream, due, priority, body)"
                    + " KEY (id) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, job.id());
                ps.setString(2, job.stream());
                ps.setTimestamp(3, Timestamp.from(job.due()));
                ps.setInt(4, job.priority());
                ps.setBytes(5, job.body());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Delayed jobs due at {@code now}, earliest first, at most {@code limit}. */
    public List<DelayedJob> dueJobs(Instant now, int limit) {
        return run("read due jobs", c -> {
            List<DelayedJob> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, stream, due, priority, body FROM delayed_jobs WHERE due <= ? ORDER BY due LIMIT ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new DelayedJob(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                                rs.getInt(4), rs.getBytes(5)));
                    }
                }
            }
            return out;
        });
    }

    /** How many delayed jobs a stream has waiting. */
    public int delayedCount(String stream) {
        return run("count delayed jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM delayed_jobs WHERE stream = ?")) {
                ps.setString(1, stream);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    public void releaseJob(String id) {
        run("release delayed job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM delayed_jobs WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static StreamInfo streamFrom(ResultSet rs) throws SQLException {
        Map<String, Object> props = Json.read(rs.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class);
        Timestamp closed = rs.getTimestamp(5);
        return new StreamInfo(rs.getString(1), StreamProperties.fromMap(props), StreamInfo.State.valueOf(rs.getString(3)),
                rs.getTimestamp(4).toInstant(), closed == null ? null : closed.toInstant());
    }

    @FunctionalInterface
    private interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T run(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            String hint = String.valueOf(e.getMessage()).contains("already in use")
                    ? " — another coordinator uses " + directory + "; stop it or give this one another --data-dir"
                    : "";
            throw new ImpetusException("data store: cannot " + what + ": " + e.getMessage() + hint, e);
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
