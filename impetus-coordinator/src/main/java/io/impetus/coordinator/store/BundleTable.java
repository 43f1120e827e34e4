package io.impetus.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** The code bundles of one scope, a {@code bundles} row each (its zip), keyed by the bundle's id (its hash). */
final class BundleTable {
    private final String scope;

    BundleTable(String scope) {
        this.scope = scope;
    }

    /** Stores the bundle unless it is stored already (the same id is the same zip). */
    Object save(Connection c, String bundleId, byte[] zip, Instant now) throws SQLException {
        if (Rows.exists(c, "bundles", scope, bundleId)) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundles (scope, id, zip, created) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, bundleId);
            ps.setBytes(3, zip);
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate();
        }
    }

    Optional<byte[]> read(Connection c, String bundleId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT zip FROM bundles WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, bundleId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }
}
