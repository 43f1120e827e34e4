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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
     * (the coordinator's transactions send their statements back to back): about the lease, so a cut-off
     * coordinator's locks go soon after its lease has run out (a take-over waits for them), yet longer than the
     * 2–3.5 s a slow, lossy link can hold up one statement on TCP retransmissions (it was 2 s, and fenced
     * transactions on a 200 ms ± 50 ms, 10 % loss link were ended under the active coordinator).
     */
    static final int IDLE_IN_TRANSACTION_MS = 4000;
    /** PostgreSQL: how long a statement may wait for the server's next bytes before its connection counts as broken. */
    static final int SOCKET_TIMEOUT_SECONDS = 10;
    /** The most connections the lease calls use at once (renewals overlap on a slow link). */
    static final int LEASE_CONNECTIONS = 8;
    /**
     * Lease connections opened at the start (in the background), while the link is good: renewals that overlap each need one, and
     * opening one on a slow link takes several round trips (TCP, start-up, authentication) — longer than a lease.
     */
    static final int LEASE_CONNECTIONS_OPENED = 6;
    private final JdbcConnectionPool pool;
    /** The lease calls' own connections: a renewal never waits for one behind slow upkeep or requests. */
    private final JdbcConnectionPool leasePool;
    private final Dialect dialect;
    private final String where;
    private final Clock clock;
    private final DiskFull diskFull;
    /** Told when delayed jobs written through this database fall due (see {@link CoordinatorStore#onJobsHeld}). */
    private volatile Consumer<Duration> jobsHeld = in -> { };

    private Database(JdbcConnectionPool pool, JdbcConnectionPool leasePool, Path h2Directory, String where, Clock clock) {
        this(pool, leasePool, Dialect.H2, where, clock, false, new DiskFull(h2Directory));
    }

    /** @param openLeaseConnections whether to open the lease connections ahead (a server over a network) */
    private Database(JdbcConnectionPool pool, JdbcConnectionPool leasePool, Dialect dialect, String where, Clock clock,
                     boolean openLeaseConnections, DiskFull diskFull) {
        this.diskFull = diskFull;
        this.pool = pool;
        this.leasePool = leasePool;
        this.dialect = dialect;
        this.where = where;
        this.clock = clock;
        pool.setMaxConnections(16);
        pool.setLoginTimeout(10);
        leasePool.setMaxConnections(LEASE_CONNECTIONS);
        leasePool.setLoginTimeout(10);
        if (!openLeaseConnections) {
            return; // an embedded file: opening a connection costs nothing
        }
        // in the background: each opening costs an authentication (SCRAM hashing, client and server), which on a
        // loaded machine held a starting coordinator up for seconds
        Thread opener = new Thread(() -> open(leasePool, LEASE_CONNECTIONS_OPENED), "coordinator-store-lease-connections");
        opener.setDaemon(true);
        opener.start();
    }

    /** Opens {@code count} connections and gives them back to {@code into}, which keeps them open. */
    private static void open(JdbcConnectionPool into, int count) {
        List<Connection> opened = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                opened.add(into.getConnection());
            }
        } catch (SQLException | RuntimeException e) {
            // the store cannot be reached now (or was closed): connections are opened as they are needed, and the
            // first use says why
        } finally {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // not given back: the pool opens another when needed
                }
            }
        }
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
            return new Database(JdbcConnectionPool.create(url, "impetus", ""),
                    JdbcConnectionPool.create(url, "impetus", ""), directory.toAbsolutePath(),
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
            // kernel's retransmissions, minutes), holding the thread that asked; the lease never waits for
            // its renewals (it counts each grant from its asking), so these bound only how long a cut-off coordinator's threads hang
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
            return new Database(JdbcConnectionPool.create(source), JdbcConnectionPool.create(source), Dialect.POSTGRES,
                    "PostgreSQL "
                    + SettingsResolver.redact(location.replaceAll("(?i)password=[^&]*", "password=***")), clock, true,
                    new DiskFull(null));
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
        return run(pool, what, work);
    }

    /** {@link #run} on the lease calls' own connections. */
    <T> T runForLease(String what, Work<T> work) {
        return run(leasePool, what, work);
    }

    private <T> T run(JdbcConnectionPool from, String what, Work<T> work) {
        try {
            diskFull.checkSpace();
            try (Connection c = connection(from)) {
                return work.apply(c);
            }
        } catch (SQLException e) {
            SQLException cause = diskFull.explain(e, dialect == Dialect.H2);
            String full = DiskFull.cause(cause);
            if (full != null) {
                diskFull.failed(where, what, full);
                throw new ImpetusException("data store: cannot " + what + ": the disk under the " + where + " is full ("
                        + full + "); nothing was written — free space there and try again (the coordinator goes on by"
                        + " itself once there is)", cause);
            }
            String hint = DiskFull.alreadyInUse(e)
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
     * A connection of {@code from}. The pool gives back connections that broke in use (a socket timeout, a
     * session the server ended), and hands each out once more, when it fails at once with 08003 and is dropped:
     * those are skipped here, so a connection lost on a slow link does not fail the next call too.
     */
    private static Connection connection(JdbcConnectionPool from) throws SQLException {
        for (int broken = 0; ; broken++) {
            try {
                return from.getConnection();
            } catch (SQLException e) {
                if (!"08003".equals(e.getSQLState()) || broken >= LEASE_CONNECTIONS + 16) {
                    throw e;
                }
            }
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
        return clock == null ? dialect.later() : "CAST(? AS TIMESTAMP WITH TIME ZONE)";
    }

    void bindLater(PreparedStatement ps, int index, Duration ttl) throws SQLException {
        if (clock == null) {
            ps.setLong(index, ttl.toMillis());
        } else {
            ps.setTimestamp(index, Timestamp.from(clock.instant().plus(ttl)));
        }
    }

    /** The one listener told, after each commit that held delayed jobs, how soon the earliest of them falls due. */
    void onJobsHeld(Consumer<Duration> listener) {
        jobsHeld = listener;
    }

    /** Delayed jobs were committed, the earliest due in {@code in}. */
    void jobsHeld(Duration in) {
        jobsHeld.accept(in);
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
        leasePool.dispose();
    }
}
