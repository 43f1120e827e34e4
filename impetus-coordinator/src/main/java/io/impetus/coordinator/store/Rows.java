package io.impetus.coordinator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Looks up a row of a scope's table by its id (every such table is keyed by {@code (scope, id)}). */
final class Rows {
    private Rows() {
    }

    static boolean exists(Connection c, String table, String scope, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The stream of the row, if there is one ({@code table} has a {@code stream} column). */
    static Optional<String> streamOf(Connection c, String table, String scope, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT stream FROM " + table + " WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
