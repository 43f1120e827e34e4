package io.impetus.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The schedule contract on a real PostgreSQL ({@code IMPETUS_TEST_POSTGRES_URL}, emptied first; see PostgresStoreTest). */
class PostgresScheduleStoreTest extends ScheduleStoreContract {
    @Override
    protected CoordinatorStore openEmpty() throws Exception {
        String url = PostgresStoreTest.url();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "bundles", "delayed_jobs", "leases", "dependants",
                    "dependant_inputs", "inputs_done", "schedules", "schedule_occurrences"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        return CoordinatorStore.open(url, Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE, db);
    }
}
