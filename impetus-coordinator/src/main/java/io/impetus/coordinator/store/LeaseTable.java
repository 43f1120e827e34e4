package io.impetus.coordinator.store;

import io.impetus.core.error.ImpetusException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of one scope, every time on the database's clock. A row is never deleted while it may
 * fence (a release only makes it run out), so an epoch never goes back: a coordinator that held epoch
 * 3 cannot find it current again after others held 4 and 5.
 */
final class LeaseTable {
    private static final Logger log = LoggerFactory.getLogger(LeaseTable.class);

    private final Database db;
    private final String scope;
    /** The leases last taken or renewed here, by name: kept on an H2 file whose disk is full (see {@link #take}). */
    private final Map<String, Taken> lastTaken = new ConcurrentHashMap<>();

    private record Taken(String holder, long epoch) {
    }

    LeaseTable(Database db, String scope) {
        this.db = db;
        this.scope = scope;
    }

    /**
     * Renews the lease if {@code holder} has it, in one statement (one round trip: on a slow link the
     * renewal is what keeps the lease), else takes it if it ran out or does not exist. On connections of
     * the leases' own; calls may overlap (a holder's renewals do on a slow link), and the expiry of a
     * holder's row never moves back.
     */
    OptionalLong take(String name, String holder, Duration ttl) {
        OptionalLong taken;
        try {
            taken = takeOrRenew(name, holder, ttl);
        } catch (ImpetusException e) {
            Taken last = lastTaken.get(name);
            // an H2 file is open in one process only (its file lock), so no other coordinator can take the lease:
            // a renewal that cannot be written for a full disk keeps it, and this coordinator stays the one that
            // answers, each writing request with the full disk's reason, instead of standing by and leaving its
            // requests unanswered in their queue
            if (db.dialect() == Dialect.H2 && DiskFull.cause(e) != null && last != null && last.holder().equals(holder)) {
                log.debug("lease {} kept by {} (epoch {}) on its own H2 file while its disk is full", name, holder,
                        last.epoch());
                return OptionalLong.of(last.epoch());
            }
            throw e;
        }
        if (taken.isPresent()) {
            lastTaken.put(name, new Taken(holder, taken.getAsLong()));
        } else {
            lastTaken.remove(name);
        }
        return taken;
    }

    private OptionalLong takeOrRenew(String name, String holder, Duration ttl) {
        return db.runForLease("take lease " + name, c -> {
            OptionalLong renewed = renew(c, name, holder, ttl);
            if (renewed.isPresent()) {
                return renewed;
            }
            Instant now = db.now(c);
            String current = null;
            boolean live = false;
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, expires FROM leases WHERE scope = ? AND name = ?")) {
                ps.setString(1, scope);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        current = rs.getString(1);
                        live = !rs.getTimestamp(2).toInstant().isBefore(now);
                    }
                }
            }
            if (current != null) {
                // read without a lock first: a standby asking every half second must not queue a lock that the
                // holder's renewals would then wait behind
                return live && !holder.equals(current) ? OptionalLong.empty() : takeOver(c, name, holder, ttl);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO leases (scope, name, holder, expires, epoch) VALUES (?, ?, ?, ?, 1)")) {
                ps.setString(1, scope);
                ps.setString(2, name);
                ps.setString(3, holder);
                ps.setTimestamp(4, Timestamp.from(now.plus(ttl)));
                ps.executeUpdate();
                return OptionalLong.of(1);
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return epochOf(c, name, holder); // it exists: another of this holder's calls, or someone else
                }
                throw e;
            }
        });
    }

    /**
     * Takes the lease if it ran out (with the next epoch) or is {@code holder}'s, in a transaction that first locks
     * its row {@code FOR UPDATE}: so the take-over waits for every fenced write in flight (they hold the row
     * {@code FOR KEY SHARE}, which an UPDATE of non-key columns alone would not wait for). Empty if another holds
     * it.
     */
    private OptionalLong takeOver(Connection c, String name, String holder, Duration ttl) throws SQLException {
        c.setAutoCommit(false);
        boolean done = false;
        try {
            try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM leases WHERE scope = ? AND name = ? FOR UPDATE")) {
                ps.setString(1, scope);
                ps.setString(2, name);
                ps.executeQuery().close();
            }
            Instant now = db.now(c);
            OptionalLong taken = OptionalLong.empty();
            // GREATEST: when holder = ?, another of this holder's calls took the row since the renewal above,
            // and its expiry (from a later now than the one read here) must stand
            try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET epoch = CASE WHEN holder = ? THEN epoch"
                    + " ELSE epoch + 1 END, holder = ?, expires = GREATEST(expires, ?) WHERE scope = ? AND name = ?"
                    + " AND (holder = ? OR expires < ?)")) {
                ps.setString(1, holder);
                ps.setString(2, holder);
                ps.setTimestamp(3, Timestamp.from(now.plus(ttl)));
                ps.setString(4, scope);
                ps.setString(5, name);
                ps.setString(6, holder);
                ps.setTimestamp(7, Timestamp.from(now));
                if (ps.executeUpdate() == 1) {
                    taken = epochOf(c, name, holder);
                }
            }
            c.commit();
            done = true;
            return taken;
        } finally {
            if (!done) {
                c.rollback();
            }
            c.setAutoCommit(true);
        }
    }

    /** The lease's epoch, renewed for {@code ttl} from the database's now, if {@code holder} has it. */
    private OptionalLong renew(Connection c, String name, String holder, Duration ttl) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.dialect().renewLease(db.later()))) {
            db.bindLater(ps, 1, ttl);
            ps.setString(2, scope);
            ps.setString(3, name);
            ps.setString(4, holder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** The lease's epoch if {@code holder} (still) holds it. */
    private OptionalLong epochOf(Connection c, String name, String holder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM leases WHERE scope = ? AND name = ? AND holder = ?")) {
            ps.setString(1, scope);
            ps.setString(2, name);
            ps.setString(3, holder);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    void release(String name, String holder) {
        lastTaken.remove(name);
        db.runForLease("release lease " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE leases SET expires = ? WHERE scope = ? AND name = ? AND holder = ?")) {
                ps.setTimestamp(1, Timestamp.from(db.now(c).minusMillis(1)));
                ps.setString(2, scope);
                ps.setString(3, name);
                ps.setString(4, holder);
                ps.executeUpdate();
            }
            return null;
        });
    }

    int held(String namePrefix) {
        return db.runForLease("count leases " + namePrefix + "*", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM leases WHERE scope = ? AND name LIKE ?"
                    + " ESCAPE '!' AND expires >= ?")) {
                ps.setString(1, scope);
                ps.setString(2, like(namePrefix));
                ps.setTimestamp(3, Timestamp.from(db.now(c)));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /**
     * In a transaction: whether lease {@code name}'s epoch is {@code epoch}, locking its row so the lease
     * cannot change holder before the transaction ends (the write it guards lands before any takeover).
     */
    boolean current(Connection c, String name, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM leases WHERE scope = ? AND name = ?"
                + db.dialect().lockShared())) {
            ps.setString(1, scope);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == epoch;
            }
        }
    }

    /** Deletes the leases named {@code namePrefix}… that ran out before {@code before}. */
    int removeExpired(Connection c, String namePrefix, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM leases WHERE scope = ? AND name LIKE ? ESCAPE '!' AND expires < ?")) {
            ps.setString(1, scope);
            ps.setString(2, like(namePrefix));
            ps.setTimestamp(3, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    private static String like(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }
}
