package io.impetus.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

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

    @Test
    void aSchedulesTableOfTheFirstBuildGetsItsLostColumnKeepingItsRows() throws Exception {
        store.saveSchedule(schedule("kept", T0));
        store.close();
        String url = PostgresStoreTest.url();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE schedules DROP COLUMN lost"); // as the first recurring-jobs build made it
        }
        store = CoordinatorStore.open(url, Path.of("unused"), CoordinatorStore.DEFAULT_SCOPE, db);
        assertThat(store.schedule("kept")).get().satisfies(s -> assertThat(s.lost()).isZero());
    }
}
