package io.impetus.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The cancel contract on a real PostgreSQL ({@code IMPETUS_TEST_POSTGRES_URL}, emptied first; see PostgresStoreTest). */
class PostgresCancelStoreTest extends CancelStoreContract {
    @Override
    protected CoordinatorStore openEmpty() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresStoreTest.url()); Statement s = c.createStatement()) {
            for (String table : new String[] {"streams", "leases", "cancels"}) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        return reopen(CoordinatorStore.DEFAULT_SCOPE);
    }

    @Override
    protected CoordinatorStore reopen(String scope) {
        return CoordinatorStore.open(PostgresStoreTest.url(), Path.of("unused"), scope, db);
    }
}
