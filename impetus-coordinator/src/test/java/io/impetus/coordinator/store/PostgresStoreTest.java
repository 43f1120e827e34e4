package io.impetus.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Assumptions;

/**
 * The store contract on a real PostgreSQL: {@code IMPETUS_TEST_POSTGRES_URL} names a database the
 * test may empty (CI gives one on the machine's PostgreSQL). Without it the test is skipped, unless
 * {@code IMPETUS_POSTGRES_REQUIRED=true}, when it fails.
 */
class PostgresStoreTest extends ScopeAndFenceContract {
    static final String ENV_URL = "IMPETUS_TEST_POSTGRES_URL";

    static String url() {
        String url = System.getenv(ENV_URL);
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("IMPETUS_POSTGRES_REQUIRED"))) {
                throw new IllegalStateException(ENV_URL + " is not set but IMPETUS_POSTGRES_REQUIRED=true");
            }
            Assumptions.abort("no PostgreSQL: set " + ENV_URL + " (jdbc:postgresql://127.0.0.1:5432/impetus_test?user=...)");
        }
        return url;
    }

    @Override
    protected CoordinatorStore openEmpty() throws Exception {
        String url = url();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases", "dependants", "dependant_inputs", "inputs_done"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        return CoordinatorStore.open(url, Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE);
    }

    @Override
    protected CoordinatorStore reopen() {
        return CoordinatorStore.open(url(), Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE);
    }

    @Override
    protected CoordinatorStore open(String scope, Clock databaseClock) {
        return CoordinatorStore.open(url(), Path.of("unused"), scope, databaseClock);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }
}
