package io.impetus.coordinator.store;

import io.impetus.core.config.OwnerOnly;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.ImpetusException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGConnectionPoolDataSource;

/**
 * The pooled connections of a store, its dialect, and its clock: the database's own
 * ({@code CURRENT_TIMESTAMP}, read on the connection that then uses it), or one a test sets.
 */
final class Database implements AutoCloseable {
    /** PostgreSQL: how long opening a connection may take. */
    static final int CONNECT_TIMEOUT_SECONDS = 3;
    /**
     * PostgreSQL: how long the server keeps a session that is in a transaction and waits for its next statement
     * (the coordinator's transactions send their statements back to back): less than the lease, so a cut-off
     * coordinator's locks go before its lease has run out.
     */
    static final int IDLE_IN_TRANSACTION_MS = 2000;
    /** PostgreSQL: how long a statement may wait for the server's next bytes before its connection counts as broken. */
    static final int SOCKET_TIMEOUT_SECONDS = 10;
    private final JdbcConnectionPool pool;
    private final Dialect dialect;
    private final String where;
    private final Clock clock;
    private final DiskFull diskFull = new DiskFull();

    private Database(JdbcConnectionPool pool, Dialect dialect, String where, Clock clock) {
        this.pool = pool;
        this.dialect = dialect;
        this.where = where;
        this.clock = clock;
        pool.setMaxConnections(16);
        pool.setLoginTimeout(10);
    }

    /** @param clock stands in for the database's clock when not {@code null} (tests) */
    static Database open(String location, Path directory, Clock clock) {
        if (location == null || location.isBlank() || location.equals("h2")) {
            try {
                OwnerOnly.directory(directory);
            } catch (IOException e) {
                throw new ImpetusException("cannot create the coordinator's data directory " + directory + ": " + e, e);
            }
            // WRITE_DELAY=0: a commit is on disk when it returns. With H2's default (written by a background
            // thread half a second later) a full disk let statements succeed that H2 then could not write: the
            // store closed itself, reopened from its last good state, and writes already answered "done" (a
            // stream created, a delayed job held and its delivery acked) were gone. Now such a commit fails.
            String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("impetus")
                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
            return new Database(JdbcConnectionPool.create(url, "impetus", ""), Dialect.H2,
                    "H2 file under " + directory.toAbsolutePath(), clock);
        }
        if (location.startsWith("jdbc:postgresql:")) {
            PGConnectionPoolDataSource source = new PGConnectionPoolDataSource();
            try {
                source.setURL(location);
            } catch (IllegalArgumentException e) {
                throw new ImpetusException("--store: not a valid PostgreSQL JDBC URL: "
                        + SettingsResolver.redact(e.getMessage()), e);
            }
            // a partition drops packets and resets nothing: without these a statement would wait for ever (the
            // kernel's retransmissions, minutes), holding the thread that asked; the lease waits for its own
            // renewals far less (Lease.RENEWAL_WAIT), so these bound only how long a cut-off coordinator's threads hang
            source.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
            source.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
            source.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
            // a coordinator cut off in the middle of a fenced write leaves its transaction open on the server, which
            // hears nothing of the partition, holding the share lock on the lease row: every other coordinator's
            // lease call would wait on it for ever. The server ends such a session after this long idle in a transaction
            String options = source.getOptions();
            source.setOptions((options == null || options.isBlank() ? "" : options + " ")
                    + "-c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION_MS);
            source.setApplicationName("impetus-coordinator");
            return new Database(JdbcConnectionPool.create(source), Dialect.POSTGRES, "PostgreSQL "
                    + SettingsResolver.redact(location.replaceAll("(?i)password=[^&]*", "password=***")), clock);
        }
        throw new ImpetusException("--store: expected 'h2' (the embedded file, the default) or a"
                + " jdbc:postgresql://host:port/database URL, got '" + SettingsResolver.redact(location) + "'");
    }

    Dialect dialect() {
        return dialect;
    }

    String where() {
        return where;
    }

    @FunctionalInterface
    interface Work<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} on a pooled connection, each statement committed as it runs. */
    <T> T run(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            String full = DiskFull.cause(e);
            if (full != null) {
                diskFull.failed(where, what, full);
                throw new ImpetusException("data store: cannot " + what + ": the disk under the " + where + " is full ("
                        + full + "); nothing was written — free space there and try again (the coordinator goes on by"
                        + " itself once there is)", e);
            }
            String hint = String.valueOf(e.getMessage()).contains("already in use")
                    ? " — another coordinator uses this H2 file; stop it, give this one another --data-dir, or share"
                    + " a PostgreSQL store (--store jdbc:postgresql://…) to run coordinators side by side"
                    : "";
            if (unreachable(e)) {
                throw new StoreUnavailableException("data store: cannot " + what + ": " + e.getMessage()
                        + " (the store cannot be reached from this coordinator)", e);
            }
            throw new ImpetusException("data store: cannot " + what + ": " + e.getMessage() + hint, e);
        }
    }

    /**
     * Whether {@code e} says the store could not be reached rather than that it refused the statement:
     * SQL state class 08 (connection exception: pgjdbc's failed connection attempt and broken or timed-out
     * socket, H2 pool's login timeout), or a transient connection or timeout exception.
     */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return (state != null && state.startsWith("08")) || e instanceof SQLTransientConnectionException
                || e instanceof SQLTimeoutException;
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws anything. */
    <T> T transaction(String what, Work<T> work) {
        T written = run(what, c -> {
            c.setAutoCommit(false);
            boolean done = false;
            try {
                T result = work.apply(c);
                c.commit();
                done = true;
                return result;
            } finally {
                if (!done) {
                    c.rollback();
                }
                c.setAutoCommit(true);
            }
        });
        diskFull.written(where);
        return written;
    }

    /**
     * SQL for {@code ttl} from now on the database's clock (or the test's), with one parameter that
     * {@link #bindLater} sets: so a statement that sets an expiry needs no {@link #now} before it.
     */
    String later() {
        return clock == null ? dialect.later() : "?";
    }

    void bindLater(PreparedStatement ps, int index, Duration ttl) throws SQLException {
        if (clock == null) {
            ps.setLong(index, ttl.toMillis());
        } else {
            ps.setTimestamp(index, Timestamp.from(clock.instant().plus(ttl)));
        }
    }

    /** Now on the database's clock (or the test's). */
    Instant now(Connection c) throws SQLException {
        if (clock != null) {
            return clock.instant();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
