package io.impetus.coordinator.store;

import io.impetus.core.codec.Json;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinatorStore} through JDBC, on an embedded H2 file or on PostgreSQL; the SQL that
 * differs between the two is in {@link Dialect}. Each call takes a pooled connection.
 */
final class JdbcStore implements CoordinatorStore {
    private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);
    /** Serialises schema creation among coordinators starting together on one PostgreSQL. */
    private static final long MIGRATION_LOCK = 0x1d9e7a5L;

    private final JdbcConnectionPool pool;
    private final Dialect dialect;
    private final String where;

    private JdbcStore(JdbcConnectionPool pool, Dialect dialect, String where) {
        this.pool = pool;
        this.dialect = dialect;
        this.where = where;
    }

    static JdbcStore open(String location, Path directory) {
        JdbcConnectionPool pool;
        Dialect dialect;
        String where;
        if (location == null || location.isBlank() || location.equals("h2")) {
            try {
                io.impetus.core.config.OwnerOnly.directory(directory);
            } catch (java.io.IOException e) {
                throw new ImpetusException("cannot create the coordinator's data directory " + directory + ": " + e, e);
            }
            String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("impetus") + ";DB_CLOSE_ON_EXIT=FALSE";
            pool = JdbcConnectionPool.create(url, "impetus", "");
            dialect = Dialect.H2;
            where = "H2 file under " + directory.toAbsolutePath();
        } else if (location.startsWith("jdbc:postgresql:")) {
            org.postgresql.ds.PGConnectionPoolDataSource source = new org.postgresql.ds.PGConnectionPoolDataSource();
            try {
                source.setURL(location);
            } catch (IllegalArgumentException e) {
                throw new ImpetusException("--store: not a valid PostgreSQL JDBC URL: "
                        + io.impetus.core.config.SettingsResolver.redact(e.getMessage()), e);
            }
            source.setConnectTimeout(5);
            source.setSocketTimeout(30);
            source.setApplicationName("impetus-coordinator");
            pool = JdbcConnectionPool.create(source);
            dialect = Dialect.POSTGRES;
            where = "PostgreSQL " + io.impetus.core.config.SettingsResolver.redact(
                    location.replaceAll("(?i)password=[^&]*", "password=***"));
        } else {
            throw new ImpetusException("--store: expected 'h2' (the embedded file, the default) or a"
                    + " jdbc:postgresql://host:port/database URL, got '"
                    + io.impetus.core.config.SettingsResolver.redact(location) + "'");
        }
        pool.setMaxConnections(16);
        pool.setLoginTimeout(10);
        JdbcStore store = new JdbcStore(pool, dialect, where);
        try {
            store.migrate();
        } catch (ImpetusException e) {
            pool.dispose();
            throw e;
        }
        log.info("data store: {}", where);
        return store;
    }

    @Override
    public String describe() {
        return where;
    }

    private void migrate() {
        run("create schema", c -> {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (dialect == Dialect.POSTGRES) {
                    s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                for (String ddl : dialect.schema()) {
                    s.execute(ddl);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return null;
        });
    }

    @Override
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

    @Override
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

    @Override
    public void saveStream(StreamInfo stream) {
        run("save stream " + stream.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    dialect.upsertStream())) {
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

    @Override
    public void saveBundle(String bundleId, byte[] zip, Instant now) {
        run("save bundle " + bundleId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO bundles (id, zip, created) VALUES (?, ?, ?)")) {
                ps.setString(1, bundleId);
                ps.setBytes(2, zip);
                ps.setTimestamp(3, Timestamp.from(now));
                insertOnce(ps);
            }
            return null;
        });
    }

    @Override
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

    @Override
    public void holdJob(DelayedJob job) {
        run("hold delayed job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO delayed_jobs (id, stream, due, priority, body) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, job.id());
                ps.setString(2, job.stream());
                ps.setTimestamp(3, Timestamp.from(job.due()));
                ps.setInt(4, job.priority());
                ps.setBytes(5, job.body());
                insertOnce(ps);
            }
            return null;
        });
    }

    @Override
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

    @Override
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

    @Override
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

    /** Runs an insert whose row may exist already (same key, same content): then it changes nothing. */
    private static void insertOnce(PreparedStatement ps) throws SQLException {
        try {
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
        }
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
                    ? " — another coordinator uses this H2 file; stop it, give this one another --data-dir, or share"
                    + " a PostgreSQL store (--store jdbc:postgresql://…) to run coordinators side by side"
                    : "";
            throw new ImpetusException("data store: cannot " + what + ": " + e.getMessage() + hint, e);
        }
    }

    @Override
    public boolean lease(String name, String holder, Instant now, Duration ttl) {
        return run("take lease " + name, c -> {
            Timestamp until = Timestamp.from(now.plus(ttl));
            try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET holder = ?, expires = ? WHERE name = ?"
                    + " AND (holder = ? OR expires < ?)")) {
                ps.setString(1, holder);
                ps.setTimestamp(2, until);
                ps.setString(3, name);
                ps.setString(4, holder);
                ps.setTimestamp(5, Timestamp.from(now));
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.setTimestamp(3, until);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return false; // it exists and someone else holds it
                }
                throw e;
            }
        });
    }

    @Override
    public void releaseLease(String name, String holder) {
        run("release lease " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int heldLeases(String namePrefix, Instant now) {
        return run("count leases " + namePrefix + "*", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM leases WHERE name LIKE ? ESCAPE '!'"
                    + " AND expires >= ?")) {
                ps.setString(1, namePrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
                ps.setTimestamp(2, Timestamp.from(now));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
