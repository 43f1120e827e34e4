package io.impetus.coordinator.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the store's tables, or brings those of an older version up to date. A version-1 store
 * (before scopes, epochs and claims) held one installation: its rows are given to the installation
 * that opens it first with this version, in the same transaction that adds the columns.
 */
final class Schema {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);
    /** Serialises schema changes among coordinators starting together on one PostgreSQL. */
    private static final long MIGRATION_LOCK = 0x1d9e7a5L;

    private Schema() {
    }

    static void migrate(Database db, String scope) {
        db.transaction("create or update the schema", c -> {
            try (Statement s = c.createStatement()) {
                if (db.dialect() == Dialect.POSTGRES) {
                    s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                }
                if (hasColumn(c, "streams", "id") && !hasColumn(c, "streams", "scope")) {
                    fromVersion1(c, s, db.dialect(), scope);
                }
                if (hasColumn(c, "schedules", "id") && !hasColumn(c, "schedules", "lost")) {
                    // a schedules table of the first recurring-jobs build: runs given up as lost came after it
                    // (checked first: on PostgreSQL even a no-op ALTER TABLE locks the table exclusively)
                    s.execute("ALTER TABLE schedules ADD COLUMN lost BIGINT DEFAULT 0 NOT NULL");
                }
                for (String ddl : db.dialect().schema()) {
                    s.execute(ddl);
                }
                for (String ddl : CancelTable.schema()) {
                    s.execute(ddl);
                }
            }
            return null;
        });
    }

    private static void fromVersion1(Connection c, Statement s, Dialect dialect, String scope) throws SQLException {
        for (String ddl : dialect.fromVersion1()) {
            s.execute(ddl);
        }
        StringBuilder adopted = new StringBuilder();
        for (String table : Dialect.SCOPED) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET scope = ? WHERE scope = ''")) {
                ps.setString(1, scope);
                adopted.append(adopted.length() == 0 ? "" : ", ").append(ps.executeUpdate()).append(' ').append(table);
            }
        }
        log.info("data store: updated a store of an earlier version (added scopes, lease epochs, claims); its rows"
                + " ({}) now belong to this installation, {}", adopted, scope);
    }

    /** Whether {@code table} has {@code column}; names as the database folds them (H2 upper, PostgreSQL lower case). */
    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (Locale fold : new Locale[] {null, Locale.ROOT}) {
            String t = fold == null ? table : table.toUpperCase(fold);
            String col = fold == null ? column : column.toUpperCase(fold);
            try (ResultSet rs = meta.getColumns(null, c.getSchema(), t, col)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
