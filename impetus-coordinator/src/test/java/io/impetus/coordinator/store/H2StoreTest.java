package io.impetus.coordinator.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file. */
class H2StoreTest extends ScopeAndFenceContract {
    @TempDir
    Path dir;

    @Override
    protected CoordinatorStore openEmpty() {
        return CoordinatorStore.open(dir);
    }

    @Override
    protected CoordinatorStore reopen() {
        return CoordinatorStore.open("h2", dir, CoordinatorStore.DEFAULT_SCOPE);
    }

    @Override
    protected CoordinatorStore open(String scope, Clock databaseClock) {
        return CoordinatorStore.open("h2", dir, scope, databaseClock);
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.toAbsolutePath().resolve("impetus"), "impetus", "");
    }
}
