package io.impetus.dist;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL database the store ITs share: where it is ({@code IMPETUS_TEST_POSTGRES_URL}; without it a test
 * is skipped, or fails with {@code IMPETUS_POSTGRES_REQUIRED=true}), emptied before a run, and read by the
 * test's checks. Each call opens its own connection.
 */
final class TestPostgres {
    static final String ENV_URL = "IMPETUS_TEST_POSTGRES_URL";
    static final String ENV_REQUIRED = "IMPETUS_POSTGRES_REQUIRED";
    /** The coordinator store's tables, jobs and leases first. */
    static final List<String> STORE_TABLES = List.of("streams", "bundles", "delayed_jobs", "leases");
    /** The store's tables with those of dependants and schedules. */
    static final List<String> ALL_TABLES = List.of("streams", "bundles", "delayed_jobs", "leases", "dependants",
            "dependant_inputs", "inputs_done", "schedules", "schedule_occurrences");

    private TestPostgres() {
    }

    /** The database's JDBC URL; aborts the test (skipped) when none is set and none is required. */
    static String url() {
        String url = System.getenv(ENV_URL);
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv(ENV_REQUIRED))) {
                throw new IllegalStateException(ENV_URL + " is not set but " + ENV_REQUIRED + "=true");
            }
            Assumptions.abort("no PostgreSQL: set " + ENV_URL);
        }
        return url;
    }

    /** Drops {@code tables} where they exist, so the coordinator makes them afresh. */
    static void drop(String url, List<String> tables) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : tables) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** The first column of {@code sql}'s rows, as text. */
    static List<String> column(String url, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** The first column of {@code sql}'s first row, as text, or {@code null} without a row. */
    static String text(String url, String sql) throws SQLException {
        List<String> values = column(url, sql);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The number in the first column of {@code sql}'s first row (a count, say); 0 for SQL's {@code NULL}. */
    static long number(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Who holds the coordinator's lease ({@code host/pid/...}), or {@code ""} when no one does. */
    static String leaseHolder(String url) throws SQLException {
        String holder = text(url, "SELECT holder FROM leases WHERE name = 'coordinator'");
        return holder == null ? "" : holder;
    }
}
